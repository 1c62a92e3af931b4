import { stateRecord } from '../history/conversation-state';
import { doneAnswer, type Answer } from './answer';
import type { TurnDependencies } from './turn-dependencies';
import type { TurnView } from './turn-view';
import { BEIJING, formatBeijing } from '../controls/beijing-time';
import {
  modelChosen,
  modelList,
  modelUnknown,
  PERSONA_MAX_CHARS,
  PERSONA_TOO_LONG,
  personaSet,
  personaShown,
  usageText,
} from './user-messages';

/**
 * `/system`, `/model` and `/usage`: they read and write the conversation's state snapshot, never the model. A change
 * is recorded as a new snapshot next to the message's terminal record, in the same append, built on the latest state
 * (a concurrent change of the other setting is kept).
 */
export function personaCommand(text: string, view: TurnView, msgId: string, deps: TurnDependencies): Answer {
  const { state } = view;
  const at = deps.now();
  if (text === '') return doneAnswer(msgId, at, personaShown(state.persona), 'persona-shown');
  if (Array.from(text).length > PERSONA_MAX_CHARS) return doneAnswer(msgId, at, PERSONA_TOO_LONG, 'persona-too-long');
  return doneAnswer(msgId, at, personaSet(text), 'persona-set', (latest) => stateRecord(msgId, at, { ...latest.state, persona: text }));
}

export function modelCommand(name: string, view: TurnView, msgId: string, deps: TurnDependencies): Answer {
  const { models } = deps.settings;
  const { state } = view;
  const at = deps.now();
  const current = currentModel(state.model, deps);
  if (name === '') return doneAnswer(msgId, at, modelList(current, models.allowed, models.vision), 'model-list');
  // Model ids are case-sensitive at most providers, but nobody means two models that differ only in case.
  const chosen = models.allowed.find((allowed) => allowed.toLowerCase() === name.toLowerCase());
  if (chosen === undefined) return doneAnswer(msgId, at, modelUnknown(name, models.allowed), 'model-unknown');
  const model = chosen === models.default ? undefined : chosen;
  return doneAnswer(msgId, at, modelChosen(chosen), 'model-set', (latest) => stateRecord(msgId, at, { ...latest.state, model }));
}

export function usageCommand(view: TurnView, msgId: string, deps: TurnDependencies): Answer {
  return doneAnswer(msgId, deps.now(), usageText(view.state.usage, (ms) => `${formatBeijing(ms)}${BEIJING}`), 'usage');
}

/** The conversation's chosen model while the admin still allows it; the configured one otherwise. */
export function currentModel(chosen: string | undefined, deps: TurnDependencies): string {
  const { models } = deps.settings;
  return chosen !== undefined && models.allowed.includes(chosen) ? chosen : models.default;
}
