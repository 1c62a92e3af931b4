import { cardStepFor } from '../budget/card-budget';
import type { CardStep } from '../budget/card-step';
import type { ControlState } from '../ledger/control-ledger';
import type { RobotControls } from '../robot-controls';
import { describeChange, limitsText } from './admin-texts';
import { BEIJING, formatBeijing } from '../beijing-time';
import { count } from './control-texts';

/** What `/admin status` shows that the ledger does not know: the deployment. */
export interface StatusFacts {
  version: string;
  model: string;
  robot: string;
}

const STEP_TEXT: Record<CardStep, string> = {
  normal: '正常（流式卡片）',
  fewer: '节省（卡片更新次数减少）',
  'final-only': '只发最终结果卡片（不再流式更新）',
  markdown: '不用卡片（改发 Markdown 消息）',
};

const REASON_TEXT: Record<string, string> = {
  budget: '按本月已用的接口调用比例',
  forecast: '按目前的速度本月会超出额度，提前降一级',
  'quota-exhausted': '钉钉返回接口调用额度已用完（90020），本月不再用卡片',
  'qps-limit': '钉钉返回限流（QpsLimit），暂时降一级',
};

const RECENT_SHOWN = 5;

/** The status from one fresh read: the card step is the one every instance computes from it (docs/controls.md §3). */
export function statusText(state: ControlState, controls: RobotControls, facts: StatusFacts, now: number): string {
  const { limits, budget } = controls;
  const { step, reason, used, forecast } = cardStepFor(state, budget, now);
  const percent = budget.monthlyCalls > 0 ? `（${((used / budget.monthlyCalls) * 100).toFixed(1)}%）` : '';
  const why = reason === undefined ? '' : `，${REASON_TEXT[reason] ?? reason}`;
  const recent = state.recentAdmin.slice(-RECENT_SHOWN).reverse();
  return [
    `### 机器人状态 · ${facts.robot}`,
    `- 版本：${facts.version}`,
    `- 模型：${facts.model}`,
    `- 配置文件的限额：每人 ${limitsText('user', limits.user, true)}；每群 ${limitsText('group', limits.group, true)}`,
    `- 单独设置了配额：用户 ${count(state.quotas.user.size)} 个，群 ${count(state.quotas.group.size)} 个`,
    `- 已封禁：${count(state.blocked.size)} 人`,
    `- 钉钉接口调用：本月 ${count(used)} / ${count(budget.monthlyCalls)} 次${percent}，今日 ${count(state.calls.day)} 次；按目前的速度本月预计 ${count(Math.round(forecast))} 次`,
    `- 卡片模式：${STEP_TEXT[step]}${why}`,
    '',
    recent.length === 0 ? '最近没有管理操作。' : '**最近的管理操作**',
    ...recent.map((record) => `- ${formatBeijing(record.at)}${BEIJING} ${record.byName === undefined ? record.by : `${record.byName}（${record.by}）`}：${describeChange(record.change, state)}`),
  ].join('\n');
}
