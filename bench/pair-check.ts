import { createCallbackRouter } from '../shared/callback/router';
import { createDingTalkRoute } from '../shared/channels/dingtalk/handle-callback';
import { createSignaturePairGuard, type SignaturePairGuard } from '../shared/callback/signature-pairs';
import { parseWebhookHosts } from '../shared/channels/dingtalk/webhook-hosts';
import { createFcInvoker } from '../shared/fc/fc-invoker';
import { createLogger } from '../shared/logging/logger';
import { createOssLiteClient } from '../shared/storage/oss/oss-lite-client';
import { buildTextCallback, signedHeaders } from '../local/dingtalk-callback';
import { startOssServer } from '../local/oss/oss-server';
import { createFcHttpEvent, fcContext } from '../test/helpers/builders';
import { elapsedMs, median, percentile, round } from './figures';
import { listen } from './http-load';

/**
 * `npm run build && node dist/bench/pair-check.js`: what the one-message-per-signature rule adds to an ordinary
 * acknowledgement. The callback pipeline runs in process twice over, with the real pair guard against the local OSS
 * server and with a guard that admits everything, calls interleaved so both share the machine's noise; FC's invoke
 * endpoint is a canned 202. Prints medians, p99s and OSS requests per call.
 */
const SECRET = 'bench-app-secret-0123456789';
const APP_KEY = 'bench-app-key';
const CALLS = 500;
const WARMUP = 100;

export async function measurePairCheck() {
  const oss = await startOssServer({ buckets: ['bench-signatures'], credentials: [fcContext.credentials] });
  const fc = await listen(202, { 'x-fc-request-id': '1-bench-0', 'content-length': '0' }, '');
  const logger = createLogger({ service: 'bench', write: () => undefined });
  const handlerWith = (createPairGuard: () => SignaturePairGuard) => {
    const route = createDingTalkRoute({
      appKey: APP_KEY, appSecret: SECRET, webhookHosts: parseWebhookHosts(['oapi.dingtalk.com']),
      createInvoker: (context) => createFcInvoker({ endpoint: fc.url.origin, functionName: 'w', credentials: context.credentials, timeoutMs: 3000 }),
      createPairGuard,
      logger,
      now: Date.now,
      newDeliveryId: () => 'bench-delivery-0001',
    });
    return createCallbackRouter({ routes: [route], maxBodyBytes: 64 * 1024, logger });
  };
  const withCheck = handlerWith(() =>
    createSignaturePairGuard({
      oss: createOssLiteClient({ bucket: 'bench-signatures', region: 'cn-local', endpoint: oss.url, credentials: fcContext.credentials, timeoutMs: 2000 }),
      prefix: 'dingtalk-llm/signatures/',
      now: Date.now,
    }),
  );
  const without = handlerWith(() => ({ admit: async () => 'first' as const }));
  const signedAt = Date.now();
  const event = (call: number) => {
    const body = buildTextCallback({ text: '帮我总结一下今天的会议要点', sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=b', robotCode: APP_KEY, msgId: `msg${call}`, now: signedAt });
    return createFcHttpEvent({ body: JSON.stringify(body), headers: signedHeaders(SECRET, signedAt - call) });
  };
  const samples = { with: [] as number[], without: [] as number[] };
  try {
    for (let call = 0; call < WARMUP + CALLS; call += 1) {
      for (const [name, handler] of [['with', withCheck], ['without', without]] as const) {
        const input = event(call * 2 + (name === 'with' ? 0 : 1));
        const start = process.hrtime.bigint();
        const response = await handler(input, fcContext);
        if (response.statusCode !== 200) throw new Error(`callback answered ${response.statusCode}: ${response.body}`);
        if (call >= WARMUP) samples[name].push(elapsedMs(start));
      }
    }
  } finally {
    await Promise.all([oss.close(), fc.close()]);
  }
  const figure = (values: number[]) => ({ median: round(median(values), 3), p99: round(percentile(values, 99), 3) });
  return {
    calls: CALLS,
    withPairCheck: figure(samples.with),
    withoutPairCheck: figure(samples.without),
    addedMedianMs: round(median(samples.with) - median(samples.without), 3),
    ossRequestsPerCall: round(oss.requests.length / (WARMUP + CALLS), 2),
  };
}

if (require.main === module) {
  measurePairCheck().then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
