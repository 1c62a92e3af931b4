import {
  Agent,
  createServer,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type RequestListener,
  type Server,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createInvokeApi, type InvokeCall } from '../../../../local/fc/invoke-api';
import { InvokeError } from '../../../../shared/errors';
import { createFcInvoker, type FcInvokerOptions } from '../../../../shared/fc/fc-invoker';
import type { FcCredentials } from '../../../../shared/fc/context';

const CREDENTIALS: FcCredentials = {
  accessKeyId: 'STS.invoker',
  accessKeySecret: 'invoker-secret',
  securityToken: 'invoker-token',
};
const NOW = new Date('2026-03-01T08:00:00Z');

const servers: Server[] = [];

async function listen(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A local FC whose only function is `dingtalk-worker`; records what arrives. `drop` may kill a request first. */
async function localFc(drop: (req: IncomingMessage) => boolean = () => false) {
  const calls: InvokeCall[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const api = createInvokeApi({
    credentials: [CREDENTIALS],
    functions: ['dingtalk-worker'],
    onInvoke: async (call) => {
      calls.push(call);
      return { status: 200 };
    },
    now: () => NOW,
    requestId: () => '1-65f0a000-abc',
  });
  const endpoint = await listen((req, res) => {
    if (drop(req)) return void req.socket.destroy();
    headers.push(req.headers);
    if (!api(req, res)) res.writeHead(404).end();
  });
  return { endpoint, calls, headers };
}

function invoker(endpoint: string, overrides: Partial<FcInvokerOptions> = {}) {
  return createFcInvoker({
    endpoint,
    functionName: 'dingtalk-worker',
    credentials: CREDENTIALS,
    timeoutMs: 2_000,
    now: () => NOW,
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<InvokeError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof InvokeError)) throw new Error(`expected an InvokeError, got ${String(error)}`);
  return error;
}

function expectNoCredentials(error: InvokeError): void {
  const text = `${error.message} ${String(error.cause ?? '')}`;
  for (const secret of [CREDENTIALS.accessKeyId, CREDENTIALS.accessKeySecret, CREDENTIALS.securityToken ?? '-']) {
    expect(text).not.toContain(secret);
  }
}

describe('createFcInvoker', () => {
  it('invokes asynchronously and returns FC request id', async () => {
    // Prepare
    const fc = await localFc();
    const payload = '{"text":"你好","msgId":"m1"}';

    // Act
    const result = await invoker(fc.endpoint, { qualifier: 'LATEST' }).invokeAsync(payload);

    // Assess
    expect(result).toEqual({ requestId: '1-65f0a000-abc', duplicate: false, attempts: 1 });
    expect(fc.headers[0]?.['x-fc-invocation-type']).toBe('Async');
    expect(fc.calls).toEqual([
      { functionName: 'dingtalk-worker', qualifier: 'LATEST', async: true, body: Buffer.from(payload, 'utf8'), requestId: '1-65f0a000-abc' },
    ]);
  });

  it.each<[string, Partial<FcInvokerOptions>, number, string]>([
    ['an unknown function', { functionName: 'ghost' }, 404, 'FunctionNotFound'],
    ['a wrong secret', { credentials: { ...CREDENTIALS, accessKeySecret: 'stale-secret' } }, 403, 'SignatureNotMatch'],
    ['a skewed clock', { now: () => new Date(NOW.getTime() + 20 * 60_000) }, 403, 'RequestTimeTooSkewed'],
  ])('fails with InvokeError on %s', async (_label, overrides, status, code) => {
    // Prepare
    const fc = await localFc();

    // Act
    const error = await failure(invoker(fc.endpoint, overrides).invokeAsync('{}'));

    // Assess
    expect(error.status).toBe(status);
    expect(error.message).toContain(`HTTP ${status} ${code}`);
    expectNoCredentials(error);
    expect(fc.calls).toEqual([]);
    expect(fc.headers).toHaveLength(1); // a refusal is final: no second try
  });

  it.each([503, 429])('tries once more after %i, and the second answer counts', async (status) => {
    // Prepare: the first request gets `status`, later ones reach the local FC
    const fc = await localFc();
    let requests = 0;
    const flaky = await listen((req, res) => {
      requests += 1;
      if (requests === 1) return void res.writeHead(status, { 'content-type': 'application/json' }).end('{"Code":"Busy"}');
      const forward = request(`${fc.endpoint}${req.url}`, { method: 'POST', headers: req.headers }, (reply) => {
        res.writeHead(reply.statusCode ?? 500, reply.headers);
        reply.pipe(res);
      });
      req.pipe(forward);
    });

    // Act
    const result = await invoker(flaky).invokeAsync('{"msgId":"m1"}');

    // Assess
    expect(result).toEqual({ requestId: '1-65f0a000-abc', duplicate: false, attempts: 2 });
    expect(requests).toBe(2);
    expect(fc.calls).toHaveLength(1);
  });

  it('reports a 500 with the ErrorCode of an older gateway body, after the one retry', async () => {
    // Prepare
    let requests = 0;
    const endpoint = await listen((_req, res) => {
      requests += 1;
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"ErrorCode":"InternalServerError","ErrorMessage":"boom"}');
    });

    // Act
    const error = await failure(invoker(endpoint).invokeAsync('{}'));

    // Assess
    expect(error).toMatchObject({ status: 500, code: 'INVOKE_FAILED' });
    expect(error.message).toBe('InvokeFunction dingtalk-worker failed: HTTP 500 InternalServerError: boom');
    expect(requests).toBe(2);
  });

  it('scrubs credentials FC echoes back', async () => {
    // Prepare
    const { accessKeyId, accessKeySecret, securityToken } = CREDENTIALS;
    const echo = `invalid access key ID '${accessKeyId}' (${accessKeySecret}, ${securityToken})`;
    const endpoint = await listen((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Code: 'InvalidAccessKeyID', Message: echo }));
    });

    // Act
    const error = await failure(invoker(endpoint).invokeAsync('{}'));

    // Assess
    expectNoCredentials(error);
    expect(error.message).toContain("InvalidAccessKeyID: invalid access key ID '***' (***, ***)");
  });

  it('gives up after timeoutMs when FC does not answer', async () => {
    // Prepare
    const endpoint = await listen(() => undefined);

    // Act
    const started = Date.now();
    const error = await failure(invoker(endpoint, { timeoutMs: 100 }).invokeAsync('{}'));

    // Assess
    expect(error.message).toBe('InvokeFunction dingtalk-worker failed: timed out after 100 ms');
    expect(error.status).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('fails with InvokeError when nothing listens', async () => {
    // Prepare
    const endpoint = await listen(() => undefined);
    const closed = servers.pop();
    await new Promise((resolve) => closed?.close(resolve));

    // Act
    const error = await failure(invoker(endpoint).invokeAsync('{}'));

    // Assess
    expect(error.message).toBe('InvokeFunction dingtalk-worker failed: ECONNREFUSED');
    expectNoCredentials(error);
  });

  it('resends once when a kept-alive socket turns out to be dead', async () => {
    // Prepare
    const served = new Set<Socket>();
    let resets = 0;
    // Models FC freezing the instance: the socket that served the first call is gone by the second.
    const fc = await localFc((req) => {
      const stale = served.has(req.socket);
      served.add(req.socket);
      if (stale) resets += 1;
      return stale;
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const client = invoker(fc.endpoint, { agent });

    // Act
    await client.invokeAsync('{"n":1}');
    const second = await client.invokeAsync('{"n":2}');
    agent.destroy();

    // Assess
    expect(resets).toBe(1);
    expect(second.requestId).toBe('1-65f0a000-abc');
    expect(fc.calls.map((call) => call.body.toString())).toEqual(['{"n":1}', '{"n":2}']);
  });

  it('refuses an endpoint that is not an http(s) URL', () => {
    // Act
    const create = () => invoker('fc.example.com');

    // Assess
    expect(create).toThrow(InvokeError);
  });

  describe('task mode (x-fc-async-task-id)', () => {
    /** The local FC with task mode on; `lateAccepts` holds back that many 202s by `delayMs` each. */
    async function taskFc(lateAccepts = 0, delayMs = 0) {
      const calls: InvokeCall[] = [];
      const taskIds: Array<string | undefined> = [];
      let late = lateAccepts;
      const api = createInvokeApi({
        credentials: [CREDENTIALS],
        functions: ['dingtalk-worker'],
        asyncTask: true,
        acceptDelayMs: () => (late-- > 0 ? delayMs : 0),
        onInvoke: async (call) => {
          calls.push(call);
          return { status: 202 };
        },
        now: () => NOW,
      });
      const endpoint = await listen((req, res) => {
        taskIds.push(req.headers['x-fc-async-task-id'] as string | undefined);
        if (!api(req, res)) res.writeHead(404).end();
      });
      return { endpoint, calls, taskIds };
    }

    it('sends the task id, and a second submission of it is reported as a duplicate, not run again', async () => {
      // Prepare
      const fc = await taskFc();
      const client = invoker(fc.endpoint);
      // Act
      const first = await client.invokeAsync('{"n":1}', { taskId: 'dt_abc-DEF_123' });
      const second = await client.invokeAsync('{"n":1}', { taskId: 'dt_abc-DEF_123' });
      // Assess
      expect(first).toMatchObject({ duplicate: false, attempts: 1 });
      expect(second).toMatchObject({ duplicate: true, attempts: 1 });
      expect(fc.taskIds).toEqual(['dt_abc-DEF_123', 'dt_abc-DEF_123']);
      expect(fc.calls).toHaveLength(1);
    });

    it('cuts a first attempt whose 202 is late short, and counts the 409 of its retry as delivered', async () => {
      // Prepare: the 202 would come after the whole budget; the event is queued all the same
      const fc = await taskFc(1, 1_500);
      // Act
      const outcome = await invoker(fc.endpoint, { timeoutMs: 600 }).invokeAsync('{"n":1}', { taskId: 'dt_late' });
      // Assess
      expect(outcome).toMatchObject({ duplicate: true, attempts: 2 });
      expect(fc.calls).toHaveLength(1);
    });

    it('refuses a task id FC would refuse, without sending anything', async () => {
      // Prepare
      const fc = await taskFc();
      // Act
      const error = await failure(invoker(fc.endpoint).invokeAsync('{}', { taskId: '1-starts-with-a-digit' }));
      // Assess
      expect(error.message).toContain('invalid task id');
      expect(fc.taskIds).toEqual([]);
    });
  });
});
