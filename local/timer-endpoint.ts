import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './read-body';

/**
 * `POST /_local/timer` on the local stack (not a path of the callback, and only from this machine): runs a job as
 * FC's timer trigger would, by putting the event FC sends (`{ triggerTime, triggerName, payload }`, docs/group-robot.md
 * §5) into the worker's asynchronous queue, with FC's retries. `npm run job -- <name>` calls it. The body is
 * `{"job":"<name>"}`, optionally with the `triggerTime` to stand for (a retry of one trigger time posts once).
 */
export const LOCAL_TIMER_PATH = '/_local/timer';

export interface TimerEndpointOptions {
  /** Queues the event for the worker; returns the invocation's request id. */
  submit: (event: Buffer) => string;
  /** The channels config object of the local bucket, to say where the answer will go. */
  readConfig: () => Promise<Buffer | undefined>;
  now: () => number;
}

export interface TimerSubmission {
  requestId: string;
  triggerTime: string;
  triggerName: string;
  robot: string;
  /** `host:port` of the robot's webhook (never its token). */
  webhookHost: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function createTimerEndpoint(options: TimerEndpointOptions) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const reply = (status: number, body: unknown): void => void response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) return reply(403, { error: 'the local timer endpoint answers this machine only' });
    if (request.method !== 'POST') return reply(405, { error: 'POST {"job":"<name>"}' });
    const body = await readBody(request, 4096);
    const input = parseInput(body);
    if (input === undefined) return reply(400, { error: 'expected {"job":"<name>"} with an optional ISO triggerTime' });
    const config = parseConfig(await options.readConfig());
    const job = config?.jobs && Object.hasOwn(config.jobs, input.job) ? config.jobs[input.job] : undefined;
    if (job === undefined) {
      return reply(404, { error: `no job "${input.job}" in the channels config`, jobs: Object.keys(config?.jobs ?? {}) });
    }
    // FC's trigger times are whole seconds in UTC.
    const triggerTime = input.triggerTime ?? new Date(Math.floor(options.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    const triggerName = `local-${input.job}`;
    const event = { triggerTime, triggerName, payload: JSON.stringify({ job: input.job }) };
    const requestId = options.submit(Buffer.from(JSON.stringify(event)));
    const webhook = config?.robots && Object.hasOwn(config.robots, job.robot) ? config.robots[job.robot]?.webhook : undefined;
    const submission: TimerSubmission = { requestId, triggerTime, triggerName, robot: job.robot, webhookHost: webhook && URL.canParse(webhook) ? new URL(webhook).host : '?' };
    reply(202, submission);
  };
}

function parseInput(body: Buffer | undefined): { job: string; triggerTime?: string } | undefined {
  try {
    const value = JSON.parse(body?.toString('utf8') ?? '') as { job?: unknown; triggerTime?: unknown };
    if (typeof value.job !== 'string' || value.job === '') return undefined;
    if (value.triggerTime !== undefined && typeof value.triggerTime !== 'string') return undefined;
    return { job: value.job, ...(typeof value.triggerTime === 'string' ? { triggerTime: value.triggerTime } : {}) };
  } catch {
    return undefined;
  }
}

interface LooseConfig {
  robots?: Record<string, { webhook?: string } | undefined>;
  jobs?: Record<string, { robot: string } | undefined>;
}

/** Loosely: the worker checks the config itself, and says what is wrong with it in its log. */
function parseConfig(bytes: Buffer | undefined): LooseConfig | undefined {
  try {
    return bytes === undefined ? undefined : (JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, '')) as LooseConfig);
  } catch {
    return undefined;
  }
}
