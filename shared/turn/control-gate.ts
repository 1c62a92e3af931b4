import type { AccessRefusal } from '../controls/access/access-decision';
import { accessDecision } from '../controls/access/access-decision';
import { accessRefusal } from '../controls/admin/control-texts';
import { ADMIN_CHANGES_WITHIN_MS } from '../controls/turn-controls';
import type { Intent } from './commands';
import { deliver } from './send-and-record';
import type { TurnDependencies, TurnEvent } from './turn-dependencies';

const NOBODY: ReadonlySet<string> = new Set();

/**
 * The access lists, before the conversation is read (docs/controls.md §6). True when the sender may not use the
 * robot: they are told once a Beijing day, and nothing else happens (no history read, no model, no record; a
 * redelivery comes back here and is silent). A chat message meets the admins' blocks in its admission, whose append
 * decides on a complete view at no extra request; a command meets them here, in a view at most a minute old.
 */
export async function refusedAtTheDoor(intent: Intent, event: TurnEvent, deps: TurnDependencies): Promise<boolean> {
  const { controls } = deps;
  if (controls === undefined || intent.kind === 'forget') return false;
  const blocked = intent.kind === 'chat' ? NOBODY : (await controls.ledger.state(deps.now(), ADMIN_CHANGES_WITHIN_MS)).blocked;
  const decision = accessDecision(event.message, deps.robot.controls.access, blocked);
  if (decision.allowed) return false;
  await tellRefused(event, deps, decision.reason);
  return true;
}

/** The polite refusal, sent only by the run that recorded the day's first one (across every instance). */
export async function tellRefused(event: TurnEvent, deps: TurnDependencies, reason: AccessRefusal): Promise<void> {
  const { controls } = deps;
  if (controls === undefined) return;
  const first = await controls.ledger.firstRefusalToday(event.message.sender.id, deps.now(), event.message.id);
  deps.logger.info('sender refused by the access controls', { reason, told: first });
  if (first) await deliver(event, accessRefusal(reason), 0);
}

/** Whether the sender is one of the robot's admins (who the lists and limits never refuse). */
export const isAdmin = (event: TurnEvent, deps: TurnDependencies): boolean =>
  deps.controls !== undefined && deps.robot.controls.access.admins.includes(event.message.sender.id);
