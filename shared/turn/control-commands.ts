import { parseAdminCommand } from '../controls/admin/admin-command';
import { usageReport } from '../controls/admin/control-texts';
import { runAdminCommand } from '../controls/admin/run-admin-command';
import { ADMIN_CHANGES_WITHIN_MS } from '../controls/turn-controls';
import { doneAnswer, type Answer } from './answer';
import { subjectOf } from './chat-admission';
import { isAdmin } from './control-gate';
import { currentModel, usageCommand } from './settings-commands';
import type { TurnDependencies, TurnEvent } from './turn-dependencies';
import type { TurnView } from './turn-view';
import { helpText } from './user-messages';

/**
 * `/admin …` for the robot's admins (docs/controls.md §6). Anyone else, and a deployment without controls, gets the
 * help any unknown command gets: the command's existence is nobody else's business.
 */
export async function adminCommand(text: string, view: TurnView, event: TurnEvent, deps: TurnDependencies): Promise<Answer> {
  const { message } = event;
  const { controls, settings } = deps;
  if (controls === undefined || !isAdmin(event, deps)) {
    return doneAnswer(message.id, deps.now(), helpText(settings.commands, settings.history.groupShared, text.split(/\s+/)[0]), 'help');
  }
  const command = parseAdminCommand(text, message.mentions) ?? { kind: 'help' };
  const reply = await runAdminCommand(command, {
    message,
    ledger: controls.ledger,
    controls: deps.robot.controls,
    now: deps.now(),
    status: { version: controls.version, model: currentModel(view.state.model, deps), robot: deps.robot.name },
  });
  deps.logger.info('admin command', { command: command.kind });
  return doneAnswer(message.id, deps.now(), reply, 'admin');
}

/** `/usage`: this conversation's tokens, and with controls what the sender (and their group) has left. */
export async function usageWithLimits(view: TurnView, event: TurnEvent, deps: TurnDependencies): Promise<Answer> {
  const { message } = event;
  const { controls } = deps;
  const conversation = usageCommand(view, message.id, deps);
  if (controls === undefined) return conversation;
  const now = deps.now();
  const state = await controls.ledger.state(now, ADMIN_CHANGES_WITHIN_MS);
  const lines = usageReport(state, subjectOf(message), deps.robot.controls.limits, now);
  if (isAdmin(event, deps)) lines.push('（你是管理员，不受额度限制。）');
  return doneAnswer(message.id, deps.now(), [conversation.text, '', ...lines].join('\n'), 'usage');
}
