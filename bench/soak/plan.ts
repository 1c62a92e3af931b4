/**
 * What the soak sends and which fault each message meets, drawn from one seeded generator so that a run reproduces
 * from its seed: 50 senders, each in a 1:1 chat with the robot and a member of one of a few groups.
 */
export const FAULT_KINDS = [
  'kill-before-model',
  'kill-after-model',
  'kill-before-delivery',
  'kill-after-delivery',
  'kill-before-record',
  'kill-after-record',
  'oss-500',
  'oss-409-storm',
  'model-429',
  'model-5xx',
  'model-cut',
  'webhook-fail',
  'webhook-slow',
  'fc-redelivery-afterwards',
  'fc-redelivery-concurrent',
  'dingtalk-redelivery',
  'dingtalk-redelivery-forgotten',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultPlan {
  kind: FaultKind;
  /** How many responses the fault takes (a storm of 409s, two 5xx in a row); 1 for kills and redeliveries. */
  times: number;
  /** For DingTalk redeliveries: how long after the first post the same callback is posted again. */
  delayMs: number;
}

export interface SoakMessage {
  index: number;
  msgId: string;
  /** In the user's text and echoed by the fake model: attributes OpenAPI sends and model calls to the message. */
  tag: string;
  user: string;
  /** Group number, or undefined for the sender's 1:1 chat. */
  group: number | undefined;
  conversationId: string;
  text: string;
  fault: FaultPlan | undefined;
}

export interface PlanOptions {
  seed: number;
  messages: number;
  senders: number;
  groups: number;
  /** Share of messages that meet a fault. */
  faultRate: number;
  /** Slow webhooks cost the worker its 10 s HTTP timeout each; only this many are planned. */
  maxSlowWebhooks: number;
}

/** mulberry32: small, fast and good enough to pick faults; the same seed gives the same run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TIMES: Partial<Record<FaultKind, [number, number]>> = {
  'oss-500': [1, 3],
  'oss-409-storm': [3, 12],
  'model-429': [1, 2],
  'model-5xx': [1, 2],
  'model-cut': [1, 2],
};

export function planSoak(options: PlanOptions): SoakMessage[] {
  const random = seededRandom(options.seed);
  const pick = (n: number): number => Math.floor(random() * n);
  let slow = 0;
  const messages: SoakMessage[] = [];
  for (let index = 0; index < options.messages; index += 1) {
    const sender = pick(options.senders);
    const user = `soak-user-${String(sender).padStart(2, '0')}`;
    const group = random() < 0.4 ? sender % options.groups : undefined;
    let fault: FaultPlan | undefined;
    if (random() < options.faultRate) {
      let kind = FAULT_KINDS[pick(FAULT_KINDS.length)] as FaultKind;
      if (kind === 'webhook-slow' && (slow += 1) > options.maxSlowWebhooks) kind = 'webhook-fail';
      const [min, max] = TIMES[kind] ?? [1, 1];
      fault = { kind, times: min + pick(max - min + 1), delayMs: pick(1500) };
    }
    const tag = `[m${index}]`;
    messages.push({
      index,
      msgId: `msgsoak${options.seed.toString(36)}x${String(index).padStart(5, '0')}==`,
      tag,
      user,
      group,
      conversationId: group === undefined ? `cidSoak-${user}==` : `cidSoakGroup${group}==`,
      text: `第 ${index + 1} 个问题 ${tag}`,
      fault,
    });
  }
  return messages;
}

/** The tag a text carries (the user's question, or the fake model's echo of it). */
export const tagIn = (text: string): string | undefined => /\[m\d+\]/.exec(text)?.[0];
