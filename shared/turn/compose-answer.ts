import { stateRecord } from '../history/conversation-state';
import { doneAnswer, type Answer } from './answer';
import { chatTurn } from './chat-turn';
import type { Intent } from './commands';
import { adminCommand, usageWithLimits } from './control-commands';
import { modelCommand, personaCommand } from './settings-commands';
import type { TurnDependencies, TurnEvent } from './turn-dependencies';
import type { TurnView } from './turn-view';
import { helpText, RESET_DONE, unsupportedText } from './user-messages';

/**
 * Works out the reply for one intent. Throws the model's, media's or storage's error for the caller to turn into
 * words. `resume` says an earlier attempt of this same delivery died mid-way (an FC retry).
 */
export async function composeAnswer(intent: Exclude<Intent, { kind: 'forget' }>, view: TurnView, event: TurnEvent, resume: boolean, deps: TurnDependencies): Promise<Answer> {
  const msgId = event.message.id;
  const { settings } = deps;
  switch (intent.kind) {
    case 'help':
      return doneAnswer(msgId, deps.now(), helpText(settings.commands, settings.history.groupShared, intent.unknownCommand), 'help');
    case 'unsupported':
      return doneAnswer(msgId, deps.now(), unsupportedText(intent.msgtype), 'unsupported');
    case 'persona':
      return personaCommand(intent.text, view, msgId, deps);
    case 'model':
      return modelCommand(intent.name, view, msgId, deps);
    case 'usage':
      return usageWithLimits(view, event, deps);
    case 'admin':
      return adminCommand(intent.text, view, event, deps);
    case 'reset': {
      // The history, persona and token count go; the chosen model is a preference, not part of the conversation.
      const { model } = view.state;
      const at = deps.now();
      const kept = model === undefined ? [] : [stateRecord(msgId, at, { persona: undefined, model, usage: undefined })];
      return { text: RESET_DONE, build: () => [{ t: 'reset', id: msgId, at }, ...kept], reset: true };
    }
    case 'chat':
      return chatTurn(intent, view, event, resume, deps);
  }
}
