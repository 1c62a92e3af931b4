import type { DingTalkMessage } from './schema';

/**
 * DingTalk AI cards (card_1_0 OpenAPI), the transport for answers that stream in as they are written. Every method
 * throws DingTalkApiError (with DingTalk's HTTP status and `code` when there was an answer) on failure; the caller
 * decides whether to fall back to markdown. Facts: ../shared/brief/dingtalk.md §5 and "AI card pitfalls".
 */
export interface CardClient {
  /**
   * `POST /v1.0/card/instances/createAndDeliver`: creates the card in the processing state (flowStatus 1) with
   * `content` as its text and delivers it to the message's chat (group: IM_GROUP.<conversationId>, with an @ of the
   * sender; 1:1: IM_ROBOT.<senderStaffId>).
   */
  create(input: { outTrackId: string; message: DingTalkMessage; content: string }): Promise<void>;
  /** `PUT /v1.0/card/streaming`: replaces the card's text (isFull); `finalize` ends the stream. */
  stream(input: { outTrackId: string; content: string; finalize: boolean; error?: boolean }): Promise<void>;
  /** `PUT /v1.0/card/instances`: the final text and flowStatus 3 (finished) or 5 (failed), so it never looks hung. */
  finish(input: { outTrackId: string; content: string; failed: boolean }): Promise<void>;
}
