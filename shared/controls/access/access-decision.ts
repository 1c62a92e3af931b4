import type { InboundMessage } from '../../channels/channel';
import type { AccessSettings } from '../robot-controls';

export type AccessRefusal = 'denied-user' | 'not-allowed-user' | 'denied-group' | 'not-allowed-group' | 'blocked';

export type AccessDecision = { allowed: true; admin: boolean } | { allowed: false; reason: AccessRefusal };

/**
 * Who may use the robot (docs/controls.md §6): admins always, so a wrong list or block can be undone from the
 * chat; then a deny beats an allow, and an allow list that is not empty admits only those it names. Group lists
 * apply only in group conversations: a 1:1 chat belongs to no group. `blocked` is the ledger's view of admin blocks.
 */
export function accessDecision(message: InboundMessage, access: AccessSettings, blocked: ReadonlySet<string>): AccessDecision {
  const user = message.sender.id;
  if (access.admins.includes(user)) return { allowed: true, admin: true };
  if (access.denyUsers.includes(user)) return { allowed: false, reason: 'denied-user' };
  if (blocked.has(user)) return { allowed: false, reason: 'blocked' };
  if (access.allowUsers.length > 0 && !access.allowUsers.includes(user)) return { allowed: false, reason: 'not-allowed-user' };
  if (message.conversation.group) {
    const group = message.conversation.id;
    if (access.denyGroups.includes(group)) return { allowed: false, reason: 'denied-group' };
    if (access.allowGroups.length > 0 && !access.allowGroups.includes(group)) return { allowed: false, reason: 'not-allowed-group' };
  }
  return { allowed: true, admin: false };
}
