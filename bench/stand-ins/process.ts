import { startOssServer } from '../../local/oss/oss-server';
import { startDingTalkStandIn } from '../../local/dingtalk/dingtalk-stand-in';
import { startFakeOpenAi } from '../../test/helpers/fake-openai';
import { listen } from '../http-load';
import { BUCKETS, STS, type StandInAnswers, type StandInCommand, type StandInEnvelope, type StandInName, type StandInReply } from './protocol';
import { recordRequests } from './request-log';

/**
 * dist/bench/stand-ins.js, forked by the bench (stand-ins/client.ts): the servers the functions talk to, in a process
 * of their own so that their work is not counted in, nor slowed by, the process that runs the function. Answers the
 * bench's commands over IPC.
 */
const ports = new Map<number, StandInName>();
const log = recordRequests(() => ports);

async function main(): Promise<void> {
  const oss = await startOssServer({ buckets: Object.values(BUCKETS), credentials: [STS] });
  const openai = await startFakeOpenAi();
  const dingtalk = await startDingTalkStandIn();
  // FC's async InvokeFunction answer; the callback's invoker needs only the 202 (the request id feeds its log line).
  const fc = await listen(202, { 'x-fc-request-id': '1-bench-0', 'content-length': '0' }, '');
  const portOf = (url: string): number => Number(new URL(url).port);
  ports.set(oss.port, 'oss').set(portOf(openai.baseURL), 'openai').set(portOf(dingtalk.url), 'dingtalk').set(portOf(fc.url.href), 'fc');

  const run = (command: StandInCommand): StandInAnswers[StandInCommand['type']] => {
    switch (command.type) {
      case 'urls':
        return { oss: oss.url, openai: openai.baseURL, dingtalk: dingtalk.url, fc: fc.url.origin };
      case 'log':
        return log.slice(command.since);
      case 'logLength':
        return log.length;
      case 'ossRecords':
        return oss.requests.slice(command.since);
      case 'ossRecordCount':
        return oss.requests.length;
      case 'session':
        return dingtalk.webhookUrl(command.id);
      case 'addFile': {
        const png = Buffer.alloc(command.pngBytes);
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png);
        dingtalk.addFile(command.downloadCode, { body: png });
        return null;
      }
      case 'failNext':
        dingtalk.failNext(command.route, command.times, command.failure);
        return null;
      case 'enqueueModel':
        openai.enqueue(...command.replies);
        return null;
      case 'lastMessage':
        return dingtalk.messages.at(-1) ?? null;
      case 'lastModelBody':
        return openai.requests.at(-1)?.body ?? null;
    }
  };

  process.on('message', (envelope: StandInEnvelope) => {
    let reply: StandInReply;
    try {
      reply = { id: envelope.id, ok: true, value: run(envelope.command) };
    } catch (error) {
      reply = { id: envelope.id, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    process.send?.(reply);
  });
  // The bench going away (or closing the channel) ends the stand-ins.
  process.on('disconnect', () => process.exit(0));
  process.send?.({ id: 0, ok: true, value: 'ready' } satisfies StandInReply);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
