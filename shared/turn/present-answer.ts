import type { ChatCompletion, StreamProgress } from '../model/chat-model';
import { REASONING_TITLE } from './user-messages';

/**
 * What the user sees of a (partial) completion: the answer, and — only when the admin chose to show it — the model's
 * reasoning above it as a quoted block under its own title, set apart by a rule. History keeps only the answer.
 */
export function presentAnswer(progress: StreamProgress, showReasoning: boolean): string {
  const reasoning = progress.reasoning.trim();
  if (!showReasoning || reasoning === '') return progress.answer;
  const quoted = reasoning
    .split('\n')
    .map((line) => (line.trim() === '' ? '>' : `> ${line}`))
    .join('\n');
  const block = `> **${REASONING_TITLE}**\n>\n${quoted}`;
  return progress.answer === '' ? block : `${block}\n\n---\n\n${progress.answer}`;
}

/** A finished completion as the user sees it. */
export const presentCompletion = (completion: ChatCompletion, showReasoning: boolean): string =>
  presentAnswer({ answer: completion.text, reasoning: completion.reasoning ?? '' }, showReasoning);

/** The answer with the robot's own note under it (pictures left out, say), when there is one. */
export const withNote = (text: string, note: string | undefined): string => (note === undefined ? text : `${text}\n\n${note}`);
