import * as v from 'valibot';

/**
 * The controls file (`controls.json`, docs/controls.md §5): the company's rules per robot, deployed with the code.
 * Every object is strict, so a misspelt field is an error naming it instead of a rule that silently does nothing;
 * each check's message is a key of EXPECTATIONS (controls-error.ts), which says it in Chinese and English.
 */
import { ROBOT_NAME_PATTERN, ROBOT_PATH_PATTERN, VARIABLE_PATTERN } from './controls-names';

const id = v.pipe(v.string(), v.trim(), v.minLength(1, 'id'), v.maxLength(128, 'id'));
const ids = v.pipe(v.array(id), v.maxLength(10_000, 'list'));
const count = v.pipe(v.number(), v.integer('count'), v.minValue(1, 'count'), v.maxValue(1_000_000_000_000, 'count'));
const action = v.picklist(['refuse', 'mask'], 'action');

const AccessSchema = v.strictObject({
  allowUsers: v.optional(ids),
  denyUsers: v.optional(ids),
  allowGroups: v.optional(ids),
  denyGroups: v.optional(ids),
  admins: v.optional(ids),
});

const UserLimitsSchema = v.strictObject({
  messagesPerMinute: v.optional(count),
  tokensPerDay: v.optional(count),
  tokensPerMonth: v.optional(count),
});

const GroupLimitsSchema = v.strictObject({ tokensPerDay: v.optional(count), tokensPerMonth: v.optional(count) });

const LimitsSchema = v.strictObject({ user: v.optional(UserLimitsSchema), group: v.optional(GroupLimitsSchema) });

const SensitiveSchema = v.strictObject({
  words: v.optional(v.pipe(v.array(v.pipe(v.string(), v.trim(), v.minLength(1, 'word'), v.maxLength(64, 'word'))), v.maxLength(10_000, 'list'))),
  input: v.optional(action),
  output: v.optional(action),
});

const BudgetSchema = v.strictObject({ monthlyCalls: v.optional(count), qps: v.optional(v.pipe(count, v.maxValue(1000, 'qps'))) });

/** What the defaults and every robot may set about who may use it and what it may cost. */
const controlSections = {
  access: v.optional(AccessSchema),
  limits: v.optional(LimitsSchema),
  sensitiveWords: v.optional(SensitiveSchema),
  dingtalkBudget: v.optional(BudgetSchema),
};

const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1, 'text'), v.maxLength(max, 'text'));

const RobotSchema = v.strictObject({
  path: v.optional(v.pipe(v.string(), v.regex(ROBOT_PATH_PATTERN, 'path'))),
  appKey: v.optional(text(128)),
  appSecretVariable: v.optional(v.pipe(v.string(), v.regex(VARIABLE_PATTERN, 'variable'))),
  cardTemplateId: v.optional(text(256)),
  cardContentKey: v.optional(text(64)),
  persona: v.optional(text(20_000)),
  models: v.optional(
    v.strictObject({ default: v.optional(text(128)), allowed: v.optional(v.array(text(128))), vision: v.optional(v.array(text(128))) }),
  ),
  ...controlSections,
});

export const ControlsFileSchema = v.strictObject({
  defaults: v.optional(v.strictObject(controlSections)),
  robots: v.optional(v.record(v.pipe(v.string(), v.regex(ROBOT_NAME_PATTERN, 'name')), RobotSchema)),
});

export type ControlsFile = v.InferOutput<typeof ControlsFileSchema>;
export type RobotSection = NonNullable<ControlsFile['robots']>[string];
export type ControlSections = Pick<RobotSection, keyof typeof controlSections>;
