import { accessDecision } from '../../../../../shared/controls/access/access-decision';
import type { AccessSettings } from '../../../../../shared/controls/robot-controls';
import { inboundMessage } from '../../../../helpers/control-state';

const open: AccessSettings = { allowUsers: [], denyUsers: [], allowGroups: [], denyGroups: [], admins: [] };
const none = new Set<string>();

describe('accessDecision', () => {
  it('lets everyone in when the lists are empty', () => {
    // Act / Assess
    expect(accessDecision(inboundMessage({ user: 'u1' }), open, none)).toEqual({ allowed: true, admin: false });
    expect(accessDecision(inboundMessage({ user: 'u1', group: 'g1' }), open, none)).toEqual({ allowed: true, admin: false });
  });

  it('admits only the allowed users when the allow list names some, and a deny beats an allow', () => {
    // Arrange
    const access = { ...open, allowUsers: ['u1', 'u2'], denyUsers: ['u2'] };
    // Act / Assess
    expect(accessDecision(inboundMessage({ user: 'u1' }), access, none)).toEqual({ allowed: true, admin: false });
    expect(accessDecision(inboundMessage({ user: 'u2' }), access, none)).toEqual({ allowed: false, reason: 'denied-user' });
    expect(accessDecision(inboundMessage({ user: 'u3' }), access, none)).toEqual({ allowed: false, reason: 'not-allowed-user' });
  });

  it('refuses a user an admin blocked', () => {
    // Act / Assess
    expect(accessDecision(inboundMessage({ user: 'u1' }), open, new Set(['u1']))).toEqual({ allowed: false, reason: 'blocked' });
  });

  it('applies the group lists in groups only, deny before allow', () => {
    // Arrange
    const access = { ...open, allowGroups: ['g1', 'g2'], denyGroups: ['g2'] };
    // Act / Assess
    expect(accessDecision(inboundMessage({ group: 'g1' }), access, none)).toEqual({ allowed: true, admin: false });
    expect(accessDecision(inboundMessage({ group: 'g2' }), access, none)).toEqual({ allowed: false, reason: 'denied-group' });
    expect(accessDecision(inboundMessage({ group: 'g3' }), access, none)).toEqual({ allowed: false, reason: 'not-allowed-group' });
    expect(accessDecision(inboundMessage({ user: 'u1' }), access, none)).toEqual({ allowed: true, admin: false });
  });

  it('needs both the user and the group to pass in a group', () => {
    // Arrange
    const access = { ...open, allowUsers: ['u1'], denyGroups: ['g1'] };
    // Act / Assess
    expect(accessDecision(inboundMessage({ user: 'u1', group: 'g1' }), access, none)).toEqual({ allowed: false, reason: 'denied-group' });
    expect(accessDecision(inboundMessage({ user: 'u2', group: 'g2' }), access, none)).toEqual({ allowed: false, reason: 'not-allowed-user' });
  });

  it('always lets admins in, even denied, blocked, not allowed, in a denied group', () => {
    // Arrange
    const access = { allowUsers: ['u1'], denyUsers: ['boss'], allowGroups: ['g1'], denyGroups: ['g2'], admins: ['boss'] };
    // Act
    const decision = accessDecision(inboundMessage({ user: 'boss', group: 'g2' }), access, new Set(['boss']));
    // Assess
    expect(decision).toEqual({ allowed: true, admin: true });
  });
});
