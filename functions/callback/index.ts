import { randomUUID } from 'node:crypto';
import { createCallbackHandler } from '../../shared/callback/handle-callback';
import { createSignaturePairGuard } from '../../shared/callback/signature-pairs';
import { loadCallbackConfig } from '../../shared/config/callback-config';
import { defaultInvokeEndpoint } from '../../shared/fc/context';
import { createFcInvoker } from '../../shared/fc/fc-invoker';
import { createLogger } from '../../shared/logging/logger';
import { createOssLiteClient } from '../../shared/oss/oss-lite-client';

// Wiring only: read config once per instance, build clients, hand each FC event to the shared pipeline.
const config = loadCallbackConfig(process.env);
const logger = createLogger({
  service: 'dingtalk-callback',
  level: config.logLevel,
  secrets: [config.appSecret],
}).child({ function_name: process.env['FC_FUNCTION_NAME'] ?? 'dingtalk-llm-callback' });

export const handler = createCallbackHandler({
  appKey: config.appKey,
  appSecret: config.appSecret,
  maxBodyBytes: config.maxBodyBytes,
  webhookHosts: config.webhookHosts,
  createInvoker: (context) =>
    createFcInvoker({
      endpoint: config.invokeEndpoint ?? defaultInvokeEndpoint(context),
      functionName: config.workerFunctionName,
      ...(config.workerQualifier ? { qualifier: config.workerQualifier } : {}),
      credentials: context.credentials,
      timeoutMs: config.invokeTimeoutMs,
    }),
  createPairGuard: (context) =>
    createSignaturePairGuard({
      oss: createOssLiteClient({
        bucket: config.oss.bucket,
        region: config.oss.region,
        ...(config.oss.endpoint ? { endpoint: config.oss.endpoint } : {}),
        internal: config.oss.internal,
        credentials: context.credentials,
        timeoutMs: config.oss.timeoutMs,
      }),
      prefix: config.signaturePrefix,
      now: Date.now,
    }),
  logger,
  now: Date.now,
  newDeliveryId: randomUUID,
});
