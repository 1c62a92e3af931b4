/**
 * One local "FC instance": a child process that loads a function bundle once (its cold start) and runs one
 * invocation at a time, as FC 3.0 built-in runtimes do. The parent kills it on timeout, as FC does.
 */
interface InvokeMessage {
  type: 'invoke';
  id: string;
  event: string;
  context: Record<string, unknown>;
}

const bundlePath = process.argv[2];
if (!bundlePath) throw new Error('usage: instance.js <bundle>');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loaded = require(bundlePath) as { handler: (event: Buffer, context: unknown) => Promise<unknown> };

process.on('message', (raw: unknown) => {
  const message = raw as InvokeMessage;
  if (message.type !== 'invoke') return;
  const event = Buffer.from(message.event, 'base64');
  Promise.resolve()
    .then(() => loaded.handler(event, message.context))
    .then(
      (value) => process.send?.({ type: 'result', id: message.id, ok: true, value: value ?? null }),
      (error: unknown) =>
        process.send?.({
          type: 'result',
          id: message.id,
          ok: false,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        }),
    );
});
process.send?.({ type: 'ready' });
