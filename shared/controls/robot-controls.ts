/**
 * What a company decides about one robot (docs/controls.md): who may use it, what each person and group may cost,
 * which words may not pass, and how much of the DingTalk OpenAPI quota it may spend. Resolved from the controls file
 * (shared/controls/config/) for each robot; admin commands change blocks and quotas on top of it, through the
 * control ledger in the bucket (shared/controls/ledger/).
 */
export interface AccessSettings {
  /** Sender ids (DingTalk staff id, WeChat openid) that may use the robot; empty: everyone not denied. */
  allowUsers: readonly string[];
  denyUsers: readonly string[];
  /** Conversation ids (DingTalk openConversationId of a group) where the robot answers; empty: every group not denied. */
  allowGroups: readonly string[];
  denyGroups: readonly string[];
  /** Sender ids that may run `/admin …`; admins are never refused by the lists or limits. */
  admins: readonly string[];
}

/** Undefined: no limit of that kind. */
export interface LimitValues {
  /** Messages to the model per minute per user (a sliding minute). */
  messagesPerMinute: number | undefined;
  /** Model tokens (provider usage, else the estimate) per Beijing day and per Beijing month. */
  tokensPerDay: number | undefined;
  tokensPerMonth: number | undefined;
}

export interface LimitSettings {
  /** What each user may use. */
  user: LimitValues;
  /** What all members of one group may use together (messagesPerMinute is per user only and ignored here). */
  group: LimitValues;
}

export type SensitiveAction = 'refuse' | 'mask';

export interface SensitiveSettings {
  /** Empty: no check. Matched after folding full-width forms, case and spacing (shared/controls/sensitive/). */
  words: readonly string[];
  /** What a hit in the user's message does: refuse it without asking the model, or mask the words and go on. */
  input: SensitiveAction;
  /** What a hit in the model's answer does: replace the answer with a refusal, or mask the words. */
  output: SensitiveAction;
}

export interface ApiBudgetSettings {
  /** The organisation's DingTalk OpenAPI calls per month (standard edition: 10,000; docs/controls.md). */
  monthlyCalls: number;
  /** Card API calls per second the tenant may make (about 20; docs/controls.md). */
  qps: number;
}

export interface RobotControls {
  access: AccessSettings;
  limits: LimitSettings;
  sensitive: SensitiveSettings;
  budget: ApiBudgetSettings;
}

export const NO_LIMITS: LimitValues = { messagesPerMinute: undefined, tokensPerDay: undefined, tokensPerMonth: undefined };

/** What applies when the controls file says nothing: everyone, no limits, no words, the standard edition's budget. */
export const DEFAULT_ROBOT_CONTROLS: RobotControls = {
  access: { allowUsers: [], denyUsers: [], allowGroups: [], denyGroups: [], admins: [] },
  limits: { user: NO_LIMITS, group: NO_LIMITS },
  sensitive: { words: [], input: 'refuse', output: 'mask' },
  budget: { monthlyCalls: 10_000, qps: 20 },
};
