import { randomUUID } from 'node:crypto';
import { createCallbackHandler } from '../../shared/callback/handle-callback';
import { loadCallbackConfig } from '../../shared/config/callback-config';
import { defaultInvokeEndpoint } from '../../shared/fc/context';
import { createFcInvoker } from '../../shared/fc/fc-invoker';
import { createLogger } from '../../shared/logging/logger';

// Wiring only: read config once per instance, build clients, hand each FC event to the shared pipeline.
const config = loadCallbackConfig(process.env);
const logger = createLogger({
  service: 'dingtalk-callback',
  level: config.logLevel,
  secrets: [config.appSecret],
}).child({ function_name: process.env['FC_FUNCTION_NAME'] ?? 'dingtalk-llm-callback' });

export const handler = createCallbackHandler({
  appSecret: config.appSecret,
  maxBodyBytes: config.maxBodyBytes,
  createInvoker: (context) =>
    createFcInvoker({
      endpoint: config.fcEndpoint ?? defaultInvokeEndpoint(context),
      functionName: config.workerFunctionName,
      ...(config.workerQualifier ? { qualifier: config.workerQualifier } : {}),
      credentials: context.credentials,
      timeoutMs: config.invokeTimeoutMs,
    }),
  logger,
  now: Date.now,
  newDeliveryId: randomUUID,
});
