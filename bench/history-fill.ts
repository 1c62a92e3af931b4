import { toInboundMessage } from '../shared/channels/dingtalk/inbound';
import { DingTalkCallbackSchema } from '../shared/channels/dingtalk/schema';
import { WorkerEventSchema } from '../shared/worker/worker-event';
import { conversationKey } from '../shared/history/conversation-key';
import { turnEstimate } from '../shared/history/fit-turns';
import { createOssAppendLog } from '../shared/storage/oss/oss-append-log';
import { createOssClient } from '../shared/storage/oss/oss-client';
import { serializeRecord, type HistoryRecord } from '../shared/history/records';
import { parseWith } from '../shared/validation/parse';
import { BUCKETS } from './stand-ins/protocol';
import type { WorkerStack } from './worker-harness';

/**
 * Pre-fills a conversation through the OSS protocol with what the worker would have written for `turns` answered
 * messages: a claim and a turn record each, a 200-character question and a 600-character answer in Chinese, with the
 * running token sum, 30 seconds apart and ending a minute ago (so all of it is one live session).
 */
export const QUESTION_CHARS = 200;
export const ANSWER_CHARS = 600;

const SENTENCES = [
  '请帮我总结一下这份季度销售报告里的主要结论，并指出哪些地区的增长低于预期。',
  '根据上面的数据，华东区的销售额同比增长了百分之十二，而西南区只增长了百分之三。',
  '建议下一季度把推广预算向增长较慢的地区倾斜，同时复盘渠道合作的效果。',
  '另外，客户满意度调查显示售后响应时间仍然是大家最关心的问题之一。',
  '如果需要，我可以把这些要点整理成一份适合在周会上汇报的简短提纲。',
];

/** Exactly `length` characters of plausible Chinese prose, varied by `seed`. */
export function chineseText(seed: number, length: number): string {
  let text = `（${seed}）`;
  for (let index = seed; text.length < length; index += 1) text += SENTENCES[index % SENTENCES.length];
  return text.slice(0, length);
}

export async function benchKey(stack: WorkerStack, user: string): Promise<string> {
  const { message } = parseWith(WorkerEventSchema, JSON.parse((await stack.event(user, 'probe', '')).toString('utf8')));
  return conversationKey(toInboundMessage(parseWith(DingTalkCallbackSchema, message)), { prefix: 'dingtalk-llm/history/', groupShared: false });
}

export function turnRecords(turns: number, nowMs: number): HistoryRecord[] {
  const records: HistoryRecord[] = [];
  let prompt = 0;
  let completion = 0;
  const since = nowMs - 60_000 - turns * 30_000;
  for (let index = 0; index < turns; index += 1) {
    const at = since + index * 30_000;
    const id = `msgFill${index}==`;
    const user = chineseText(index, QUESTION_CHARS);
    const assistant = chineseText(index + 7, ANSWER_CHARS);
    const turnPrompt = 1_200 + Math.min(index, 4) * 800;
    prompt += turnPrompt;
    completion += ANSWER_CHARS;
    records.push({ t: 'claim', id, by: `delivery-fill-${index}`, at, until: at + 125_000 });
    records.push({
      t: 'turn',
      id,
      at: at + 4_000,
      user,
      assistant,
      tokens: turnPrompt + ANSWER_CHARS,
      model: 'fake-model',
      sum: { turns: index + 1, prompt, completion, since },
      // As the worker writes it since it stores what the turn costs later prompts (shared/history/fit-turns.ts).
      estimate: turnEstimate({ user, assistant }),
    });
  }
  return records;
}

/**
 * Writes `turns` turns into `user`'s conversation with one AppendObject, the same bytes into the worker's bucket and
 * its twin (which the fair floor replays into); returns the object's length in bytes.
 */
export async function fillConversation(stack: WorkerStack, user: string, turns: number): Promise<number> {
  const text = turnRecords(turns, Date.now()).map(serializeRecord).join('');
  const key = await benchKey(stack, user);
  const lengths = await Promise.all(
    [BUCKETS.history, BUCKETS.historyTwin].map((bucket) => {
      const client = createOssClient({ bucket, region: 'cn-hangzhou', endpoint: stack.standIns.urls.oss, credentials: stack.context.credentials, timeoutMs: 10_000 });
      return createOssAppendLog(client).append(key, 0, text);
    }),
  );
  return lengths[0] ?? 0;
}
