import { DEFAULT_ROBOT_CONTROLS, type LimitValues, type RobotControls } from '../robot-controls';
import type { ControlSections } from './controls-schema';

/**
 * One robot's controls: each field its own section sets, else the defaults' field, else DEFAULT_ROBOT_CONTROLS. Field
 * by field, so a robot that names only its admins keeps the company's lists and limits (docs/controls.md §5).
 */
export function mergeControls(defaults: ControlSections | undefined, robot: ControlSections | undefined): RobotControls {
  const base = DEFAULT_ROBOT_CONTROLS;
  const access = { ...defaults?.access, ...robot?.access };
  const sensitive = { ...defaults?.sensitiveWords, ...robot?.sensitiveWords };
  const budget = { ...defaults?.dingtalkBudget, ...robot?.dingtalkBudget };
  const user = { ...defaults?.limits?.user, ...robot?.limits?.user };
  const group = { ...defaults?.limits?.group, ...robot?.limits?.group };
  return {
    access: {
      allowUsers: access.allowUsers ?? base.access.allowUsers,
      denyUsers: access.denyUsers ?? base.access.denyUsers,
      allowGroups: access.allowGroups ?? base.access.allowGroups,
      denyGroups: access.denyGroups ?? base.access.denyGroups,
      admins: access.admins ?? base.access.admins,
    },
    limits: { user: limitValues(user, base.limits.user), group: limitValues({ ...group, messagesPerMinute: undefined }, base.limits.group) },
    sensitive: {
      words: sensitive.words ?? base.sensitive.words,
      input: sensitive.input ?? base.sensitive.input,
      output: sensitive.output ?? base.sensitive.output,
    },
    budget: { monthlyCalls: budget.monthlyCalls ?? base.budget.monthlyCalls, qps: budget.qps ?? base.budget.qps },
  };
}

function limitValues(given: Partial<LimitValues>, base: LimitValues): LimitValues {
  return {
    messagesPerMinute: given.messagesPerMinute ?? base.messagesPerMinute,
    tokensPerDay: given.tokensPerDay ?? base.tokensPerDay,
    tokensPerMonth: given.tokensPerMonth ?? base.tokensPerMonth,
  };
}
