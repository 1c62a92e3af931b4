import * as v from 'valibot';
import { ChannelsConfigError, PayloadParseError } from '../../errors';
import { parseJson } from '../../validation/parse';
import { isAllowedWebhook, type WebhookHostList } from '../dingtalk/webhook-hosts';

/**
 * The channels config file: the group robots the bot may post to and the scheduled jobs, kept as a JSON object in the
 * private bucket because webhook tokens and signing secrets are secrets and the lists outgrow FC's 4 KB of variables.
 * Unknown keys are refused (a typo such as "robot" for "robots" fails loudly), and every issue names its path
 * (`robots.ops.secret`), never the value. Facts on webhooks, security and limits: docs/group-robot.md §2, §3.
 */
export const NAME_PATTERN = /^[a-z0-9-]{1,32}$/;
const name = v.pipe(v.string(), v.regex(NAME_PATTERN, 'a name of 1–32 characters a-z, 0-9 or -'));

/** DingTalk shows 10 keywords at most per robot (docs/group-robot.md §2). */
const MAX_KEYWORDS = 10;
/** A prompt is one user message of the turn pipeline; the worker's async payload must stay far below 128 KB. */
export const MAX_PROMPT_CHARS = 16_000;

const webhookShape = v.pipe(
  v.string(),
  v.maxLength(1024),
  v.check(isRobotSendUrl, 'a https://oapi.dingtalk.com/robot/send?access_token=… URL'),
);

const RobotSchema = v.pipe(
  v.strictObject({
    webhook: webhookShape,
    secret: v.optional(v.pipe(v.string(), v.regex(/^SEC[A-Za-z0-9]{8,253}$/, 'the SEC… secret of 加签'))),
    keywords: v.optional(
      v.pipe(v.array(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(64))), v.minLength(1), v.maxLength(MAX_KEYWORDS)),
    ),
  }),
  v.check((robot) => robot.secret !== undefined || robot.keywords !== undefined, 'a secret (加签) or keywords: DingTalk requires one'),
);

const JobSchema = v.strictObject({
  robot: name,
  prompt: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(MAX_PROMPT_CHARS)),
});

const ConfigSchema = v.strictObject({
  robots: v.record(name, RobotSchema),
  jobs: v.optional(v.record(name, JobSchema), {}),
});

export type ChannelsConfig = v.InferOutput<typeof ConfigSchema>;
export type RobotSettings = ChannelsConfig['robots'][string];
export type JobSettings = ChannelsConfig['jobs'][string];

/** The webhook of a custom group robot: the send path with exactly an access token, nothing else in it. */
function isRobotSendUrl(url: string): boolean {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || parsed.pathname !== '/robot/send' || parsed.hash !== '') return false;
  const keys = [...parsed.searchParams.keys()];
  return keys.length === 1 && /^[A-Za-z0-9_-]{8,256}$/.test(parsed.searchParams.get('access_token') ?? '');
}

/**
 * Text of the object → the checked config, or ChannelsConfigError naming `key` and every problem. Webhook hosts must
 * be on DINGTALK_WEBHOOK_HOSTS (https only, loopback excepted), so the config alone cannot send answers elsewhere.
 */
export function parseChannelsConfig(text: string, key: string, webhookHosts: WebhookHostList): ChannelsConfig {
  let json: unknown;
  try {
    json = parseJson(text);
  } catch (error) {
    if (error instanceof PayloadParseError) throw new ChannelsConfigError(key, { kind: 'invalid', issues: ['(file): not well-formed JSON'] });
    throw error;
  }
  const result = v.safeParse(ConfigSchema, json);
  if (!result.success) throw new ChannelsConfigError(key, { kind: 'invalid', issues: result.issues.map(describeIssue) });
  const config = result.output;
  const issues = [
    ...Object.entries(config.robots)
      .filter(([, robot]) => !isAllowedWebhook(robot.webhook, webhookHosts))
      .map(([robotName]) => `robots.${robotName}.webhook: its host is not on DINGTALK_WEBHOOK_HOSTS`),
    ...Object.entries(config.jobs)
      .filter(([, job]) => !Object.hasOwn(config.robots, job.robot))
      .map(([jobName, job]) => `jobs.${jobName}.robot: no robot "${job.robot}" in robots`),
  ];
  if (issues.length > 0) throw new ChannelsConfigError(key, { kind: 'invalid', issues });
  return config;
}

/**
 * `path: what was expected`. Our own messages are used as they are; valibot's defaults ("Invalid type: Expected … but
 * received …") are cut before the received value, which may be a secret.
 */
function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = v.getDotPath(issue) ?? '(root)';
  if (issue.expected === 'never') return `${path}: unknown key (allowed: see the README's channels.json format)`;
  if (!issue.message.startsWith('Invalid ')) return `${path}: expected ${issue.message}`;
  return issue.expected ? `${path}: expected ${issue.expected}` : `${path}: ${issue.message.split(':')[0] ?? 'invalid'}`;
}

/** The values the logs must never show: each robot's access token and signing secret. */
export function robotSecrets(robots: ChannelsConfig['robots']): string[] {
  return Object.values(robots).flatMap((robot) => [
    new URL(robot.webhook).searchParams.get('access_token') ?? '',
    ...(robot.secret === undefined ? [] : [robot.secret]),
  ]).filter((secret) => secret !== '');
}
