import type { InboundMessage } from '../../channels/channel';
import { effectiveLimits, type AdminChange, type ControlLedger, type ControlState } from '../ledger/control-ledger';
import type { RobotControls } from '../robot-controls';
import type { AdminCommand, Scope, Target } from './admin-command';
import { statusText, type StatusFacts } from './admin-status';
import { adminHelp, APPLIES_SOON, displayName, invalidReply, limitsText, scopeLabel } from './admin-texts';
import { usageOfOne, usageOverview } from './admin-usage';
import { resolveTarget } from './resolve-target';

export interface AdminContext {
  message: InboundMessage;
  ledger: ControlLedger;
  controls: RobotControls;
  now: number;
  status: StatusFacts;
}

/**
 * Runs an admin's command and returns the reply (docs/controls.md §6). The caller has checked that the sender
 * is an admin. Commands read the ledger fresh (maxAge 0): they are rare, and an admin acting on a stale view could
 * undo a colleague's change. Each change goes through `recordAdmin`, the audit record of who, what and when.
 */
export async function runAdminCommand(command: AdminCommand, context: AdminContext): Promise<string> {
  switch (command.kind) {
    case 'help':
      return adminHelp();
    case 'invalid':
      return invalidReply(command.why);
    case 'status':
      return statusText(await fresh(context), context.controls, context.status, context.now);
    case 'usage':
      return usage(command.target, context);
    case 'block':
    case 'unblock':
      return blocking(command.kind, command.target, context);
    case 'quota':
    case 'quota-reset':
      return quota(command, context);
  }
}

const fresh = (context: AdminContext): Promise<ControlState> => context.ledger.state(context.now, 0);

async function usage(target: Target | undefined, context: AdminContext): Promise<string> {
  const state = await fresh(context);
  if (target === undefined) return usageOverview(state);
  const resolved = resolveTarget(target, 'any', state, context.message);
  return resolved.ok ? usageOfOne(state, resolved.scope, resolved.id, context.controls.limits) : resolved.reply;
}

async function blocking(kind: 'block' | 'unblock', target: Target, context: AdminContext): Promise<string> {
  const state = await fresh(context);
  const resolved = resolveTarget(target, 'user', state, context.message);
  if (!resolved.ok) return resolved.reply;
  const who = displayName(state, 'user', resolved.id);
  if (kind === 'block' && state.blocked.has(resolved.id)) return `${who} 已在封禁中，未做改动。`;
  if (kind === 'unblock' && !state.blocked.has(resolved.id)) return `${who} 没有被封禁，未做改动。`;
  await record(context, { kind, user: resolved.id });
  if (kind === 'unblock') return `已解封 ${who}，对方可以继续使用机器人。${APPLIES_SOON}`;
  const admin = context.controls.access.admins.includes(resolved.id) ? '\n注意：对方是管理员，管理员不受封禁影响。' : '';
  return `已封禁 ${who}，对方的消息将不再得到回答。${APPLIES_SOON}${admin}`;
}

async function quota(command: Extract<AdminCommand, { kind: 'quota' | 'quota-reset' }>, context: AdminContext): Promise<string> {
  const state = await fresh(context);
  const resolved = resolveTarget(command.target, command.scope, state, context.message);
  if (!resolved.ok) return resolved.reply;
  const { scope } = command;
  const who = `${scopeLabel(scope)} ${displayName(state, scope, resolved.id)}`;
  const own = state.quotas[scope].get(resolved.id);
  if (command.kind === 'quota-reset') {
    if (own === undefined) return `${who} 没有单独设置的配额，沿用配置文件的：${inForce(state, scope, resolved.id, context)}。`;
    const after = await record(context, { kind: 'quota-reset', scope, id: resolved.id });
    return `已恢复${who} 的配额为配置文件的：${inForce(after, scope, resolved.id, context)}。${APPLIES_SOON}`;
  }
  // The change carries the earlier values too, so setting `day` later keeps the `month` set before.
  const values = { ...own, ...command.values };
  const after = await record(context, { kind: 'quota', scope, id: resolved.id, values });
  return `已设置${who} 的配额：${limitsText(scope, command.values)}。现在生效：${inForce(after, scope, resolved.id, context)}。${APPLIES_SOON}`;
}

function inForce(state: ControlState, scope: Scope, id: string, context: AdminContext): string {
  const subject = scope === 'user' ? { user: id } : { user: '', group: id };
  return limitsText(scope, effectiveLimits(context.controls.limits, state, subject)[scope], true);
}

function record(context: AdminContext, change: AdminChange): Promise<ControlState> {
  const { sender } = context.message;
  return context.ledger.recordAdmin({ by: sender.id, ...(sender.name === undefined ? {} : { byName: sender.name }), at: context.now, change });
}
