import { screenCompletion, screenInput } from '../controls/sensitive/sensitive-check';
import { addUsage } from '../history/conversation-state';
import { estimateTokens } from '../history/estimate-tokens';
import { turnEstimate } from '../history/fit-turns';
import { buildPrompt, tooLongAlone } from '../history/prompt';
import type { TurnRecord } from '../history/records';
import type { ChatCompletion, ChatMessage, ChatUsage, ContentPart } from '../model/chat-model';
import { doneAnswer, type Answer } from './answer';
import { answerInCard } from '../cards/card-answer';
import { admitChat, COMPLETION_RESERVE_TOKENS } from './chat-admission';
import { presentCompletion, withNote } from './present-answer';
import { currentModel } from './settings-commands';
import { modelBudgetMs, type TurnDependencies, type TurnEvent } from './turn-dependencies';
import { fetchTurnPictures } from './turn-pictures';
import type { TurnView } from './turn-view';
import { messageTooLongText, SENSITIVE_INPUT_REFUSED, setupHint, visionUnsupportedText } from './user-messages';

export interface ChatInput {
  text: string;
  /** The pictures the user sent, as the channel's media names them (DingTalk: download codes). */
  images: readonly string[];
}

/**
 * One question to the model: the conversation's persona and model, its history within budget, the user's text and
 * pictures. The answer streams into an AI card when cards are on, else it is returned for a markdown reply. Model
 * and media errors are thrown for the caller to put into words (a card turn puts them into its card itself).
 */
export async function chatTurn(input: ChatInput, view: TurnView, event: TurnEvent, resume: boolean, deps: TurnDependencies): Promise<Answer> {
  const { message } = event;
  const { settings } = deps;
  if (deps.model === undefined) return doneAnswer(message.id, deps.now(), setupHint(settings.runsLocally), 'setup-hint');
  const { state } = view;
  const model = currentModel(state.model, deps);
  if (input.images.length > 0 && !settings.models.vision.includes(model)) {
    return doneAnswer(message.id, deps.now(), visionUnsupportedText(model, settings.models.vision), 'vision-unsupported');
  }

  // Sensitive words in the question: refused without asking the model, or masked for the model and the history.
  const asked = screenInput(input.text, deps.sensitive, deps.logger);
  if (asked === undefined) return doneAnswer(message.id, deps.now(), SENSITIVE_INPUT_REFUSED, 'sensitive-input');

  const speaker = message.conversation.group && settings.history.groupShared ? message.sender.name || '成员' : undefined;
  const userText = speaker ? `${speaker}：${asked}` : asked;
  const budget = { systemPrompt: state.persona ?? settings.systemPrompt, promptTokenBudget: settings.history.promptTokenBudget };
  // Checked before any picture is downloaded: each costs the same whatever its bytes, so placeholders will do.
  const placeholders = input.images.slice(0, settings.images.maxCount).map(() => ({ dataUrl: '' }));
  const alone = tooLongAlone(userContent(userText, placeholders), budget);
  if (alone) return doneAnswer(message.id, deps.now(), messageTooLongText(alone), 'message-too-long');
  const promptOf = (pictures: ReadonlyArray<{ dataUrl: string }>) =>
    buildPrompt(view.records, userContent(userText, pictures), {
      ...budget,
      sessionTimeoutMs: settings.history.sessionTimeoutMs,
      historyTokenBudget: settings.history.tokenBudget,
      nowMs: deps.now(),
    });
  const planned = promptOf(placeholders);
  if (planned.kind === 'too-long') return doneAnswer(message.id, deps.now(), messageTooLongText(planned), 'message-too-long');
  // The limits and the card's cadence, decided in the robot's ledger before any picture is downloaded or the model
  // asked (docs/controls.md §1): the prompt's estimate with placeholders is the same, whatever the pictures' bytes.
  const admission = await admitChat(event, deps, planned.estimatedTokens + COMPLETION_RESERVE_TOKENS);
  if (admission.kind === 'refused') return admission.answer;
  const { pictures, note } = await fetchTurnPictures(input.images, event.media, deps);
  const prompt = input.images.length === 0 ? planned : promptOf(pictures);
  if (prompt.kind === 'too-long') return doneAnswer(message.id, deps.now(), messageTooLongText(prompt), 'message-too-long');
  const { messages } = prompt;
  const request = { messages, model, timeoutMs: modelBudgetMs(deps) };

  const carded = await answerInCard(request, deps.model, event, resume, deps, note, admission.cadence);
  if (carded?.kind === 'failed') return carded.answer;
  // A card screened its answer as it streamed; a markdown answer is screened whole.
  const completion = carded?.completion ?? screenCompletion(await deps.model.complete(request), settings.showReasoning, deps.sensitive, deps.logger);

  const at = deps.now();
  // Estimated only when the provider reports no usage, which most do not in some streaming modes.
  const counted = completion.usage ?? estimateUsage(prompt.estimatedTokens, completion);
  const texts = { user: asked, assistant: completion.text, ...(speaker ? { speaker } : {}), ...(pictures.length > 0 ? { images: pictures.length } : {}) };
  const estimate = turnEstimate(texts);
  const turn = (latest: TurnView): TurnRecord => ({
    t: 'turn',
    id: message.id,
    at,
    ...texts,
    ...(completion.usage ? { tokens: completion.usage.totalTokens } : {}),
    model: completion.model,
    // From the records this turn follows, so concurrent turns add up instead of overwriting each other's count.
    sum: addUsage(latest.state.usage, { counted, estimated: completion.usage === undefined, at }),
    estimate,
  });
  return {
    // After a card, only what no card could show is left to send as markdown.
    text: carded ? carded.remainder : withNote(presentCompletion(completion, settings.showReasoning), note),
    build: (latest) => [turn(latest)],
    delivered: carded !== undefined && carded.remainder === '',
    tokens: counted.totalTokens,
  };
}

/** Text alone as a string (every provider takes it); with pictures, the text part first, then the images. */
function userContent(text: string, pictures: ReadonlyArray<{ dataUrl: string }>): ChatMessage['content'] {
  if (pictures.length === 0) return text;
  const images = pictures.map(({ dataUrl }): ContentPart => ({ type: 'image', dataUrl }));
  return text === '' ? images : [{ type: 'text', text }, ...images];
}

function estimateUsage(promptTokens: number, completion: ChatCompletion): ChatUsage {
  const completionTokens = estimateTokens(completion.text);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}
