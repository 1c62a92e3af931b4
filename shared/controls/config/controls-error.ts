import * as v from 'valibot';
import { ConfigError, type SettingExpectation } from '../../errors';
import { controlsSetting } from './controls-setting';

/** What each check of controls-schema.ts expects, by the key it gives as its message. */
const EXPECTATIONS: Readonly<Record<string, SettingExpectation>> = {
  id: { en: 'must be an id of 1 to 128 characters', zh: '应为 1 到 128 个字符的 ID' },
  list: { en: 'must be a list of at most 10,000 items', zh: '应为最多 10000 项的列表' },
  count: { en: 'must be a whole number of at least 1', zh: '应为不小于 1 的整数' },
  qps: { en: 'must be a whole number from 1 to 1000', zh: '应为 1 到 1000 之间的整数' },
  action: { en: 'must be "refuse" or "mask"', zh: '应为 "refuse"（拒绝）或 "mask"（打码）' },
  word: { en: 'must be a word of 1 to 64 characters', zh: '应为 1 到 64 个字符的词' },
  text: { en: 'must be a non-empty text within its length limit', zh: '应为不超过长度上限的非空文本' },
  path: { en: 'must be a path such as /dingtalk/sales', zh: '应为形如 /dingtalk/sales 的路径' },
  variable: {
    en: 'must be an environment variable name such as SALES_APP_SECRET (letters, digits, _; not starting with FC_)',
    zh: '应为环境变量名，例如 SALES_APP_SECRET（字母、数字、下划线，不能以 FC_ 开头）',
  },
  name: {
    en: 'must be a robot name of 1 to 32 characters a-z, 0-9 or -, starting with a letter',
    zh: '应为 1 到 32 个字符的机器人名称（a-z、0-9 或 -，以字母开头）',
  },
};

const TYPES: Readonly<Record<string, SettingExpectation>> = {
  string: { en: 'must be a text in double quotes', zh: '应为文本（用双引号括起）' },
  number: { en: 'must be a number', zh: '应为数字' },
  Array: { en: 'must be a list [ … ]', zh: '应为列表 [ … ]' },
  Object: { en: 'must be an object { … }', zh: '应为对象 { … }' },
};

const UNKNOWN_FIELD: SettingExpectation = { en: 'is not a field of the controls file (a typo?)', zh: '不是控制文件中的设置项（拼写错误？）' };

/**
 * The first problem of a controls file that does not fit its schema, as a ConfigError naming the field's JSON path
 * (`controls.json robots.sales.access.admins.0`) and what it expects; never the value, which may be a secret put in
 * the wrong place.
 */
export function controlsSchemaError(issues: readonly [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]]): ConfigError {
  const issue = issues[0];
  const path = v.getDotPath(issue) ?? '(root)';
  return new ConfigError(controlsSetting(path), expectationOf(issue));
}

function expectationOf(issue: v.BaseIssue<unknown>): SettingExpectation {
  if (issue.expected === 'never') return UNKNOWN_FIELD;
  const own = EXPECTATIONS[issue.message];
  if (own) return own;
  if (issue.type === 'picklist') return EXPECTATIONS['action'] as SettingExpectation;
  return TYPES[issue.expected ?? ''] ?? { en: `must be ${issue.expected ?? 'valid'}`, zh: '格式不正确' };
}
