import type { SoakMessage } from './plan';

/**
 * The message each conversation is busy with: the driver keeps at most one in flight per conversation, so a request
 * that names only a conversation (an error text sent through the robot OpenAPI) or a history object (an OSS read)
 * belongs to exactly one message.
 */
export function createInFlight() {
  const byConversation = new Map<string, string>();
  const byKey = new Map<string, string>();
  return {
    start(message: SoakMessage, historyKey: string): void {
      if (byConversation.has(message.conversationId)) throw new Error(`two messages in flight in ${message.conversationId}`);
      byConversation.set(message.conversationId, message.msgId);
      byKey.set(historyKey, message.msgId);
    },
    end(message: SoakMessage, historyKey: string): void {
      byConversation.delete(message.conversationId);
      byKey.delete(historyKey);
    },
    inConversation: (conversationId: string): string | undefined => byConversation.get(conversationId),
    forKey: (key: string): string | undefined => byKey.get(key),
    count: (): number => byConversation.size,
  };
}

export type InFlight = ReturnType<typeof createInFlight>;

/** The 1:1 conversation of a staff id, as the plan names it (a robot batchSend names only the user). */
export const directConversation = (user: string): string => `cidSoak-${user}==`;

/** One clock for every record the soak keeps, so kills, deliveries and model answers can be ordered. */
export function createClock(): () => number {
  let tick = 0;
  return () => (tick += 1);
}
