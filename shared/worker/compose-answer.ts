import { isGroup, type WorkerEvent } from '../dingtalk/schema';
import type { ConversationView } from '../history/conversation-history';
import { buildPrompt } from '../history/prompt';
import type { TerminalRecord } from '../history/records';
import type { Intent } from './commands';
import type { TurnDependencies } from './turn-dependencies';
import { helpText, RESET_DONE, SETUP_HINT, unsupportedText } from './user-messages';

export interface Answer {
  text: string;
  /** What the log records once the answer is out: the terminal record of this message. */
  record: TerminalRecord;
  /** Where to append the record, when it is not after the claim (a reset starts a new object). */
  position: number | undefined;
}

/** Works out the reply for one intent. Throws the model's or storage's error for the caller to turn into words. */
export async function composeAnswer(intent: Intent, view: ConversationView, event: WorkerEvent, deps: TurnDependencies): Promise<Answer> {
  const { message } = event;
  const done = (text: string, kind: string): Answer => ({
    text,
    record: { t: 'done', id: message.msgId, at: deps.now(), kind },
    position: undefined,
  });

  switch (intent.kind) {
    case 'help':
      return done(helpText(deps.settings.commands, deps.settings.history.groupShared), 'help');
    case 'unsupported':
      return done(unsupportedText(intent.msgtype), 'unsupported');
    case 'reset':
      await deps.history.forget(view.key);
      return { text: RESET_DONE, record: { t: 'reset', id: message.msgId, at: deps.now() }, position: 0 };
    case 'chat': {
      if (deps.model === undefined) return done(SETUP_HINT, 'setup-hint');
      const speaker = isGroup(message) && deps.settings.history.groupShared ? message.senderNick || '成员' : undefined;
      const userText = speaker ? `${speaker}：${intent.text}` : intent.text;
      const messages = buildPrompt(view.records, userText, {
        systemPrompt: deps.settings.systemPrompt,
        sessionTimeoutMs: deps.settings.history.sessionTimeoutMs,
        historyTokenBudget: deps.settings.history.tokenBudget,
        nowMs: deps.now(),
      });
      const remainingMs = deps.deadlineMs - deps.now() - deps.replyReserveMs;
      const timeoutMs = Math.max(1_000, Math.min(deps.settings.modelTimeoutMs, remainingMs));
      const result = await deps.model.complete({ messages, timeoutMs });
      return {
        text: result.text,
        record: {
          t: 'turn',
          id: message.msgId,
          at: deps.now(),
          user: intent.text,
          assistant: result.text,
          ...(speaker ? { speaker } : {}),
          ...(result.usage ? { tokens: result.usage.totalTokens } : {}),
        },
        position: undefined,
      };
    }
  }
}
