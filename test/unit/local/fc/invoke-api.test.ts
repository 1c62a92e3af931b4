import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ASYNC_PAYLOAD_LIMIT_BYTES,
  createInvokeApi,
  type InvokeApiOptions,
  type InvokeCall,
} from '../../../../local/fc/invoke-api';
import { formatAcsDate, signInvokeRequest } from '../../../../shared/fc/acs3-signer';
import type { FcCredentials } from '../../../../shared/fc/context';

const CREDENTIALS: FcCredentials = {
  accessKeyId: 'STS.local',
  accessKeySecret: 'local-secret',
  securityToken: 'local-token',
};
const NOW = new Date('2026-03-01T08:00:00Z');

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

interface SendOptions {
  method?: string;
  path?: string;
  query?: Record<string, string>;
  body?: Buffer;
  invocationType?: string;
  credentials?: FcCredentials;
  date?: Date;
  /** Sent instead of `body`, which is what was signed. */
  wireBody?: Buffer;
  /** Runs on the signed headers, to model a client that signs wrongly or a request altered in transit. */
  tamper?: (headers: Record<string, string>) => void;
  taskId?: string;
  port?: number;
}

let server: Server;
let port: number;
let calls: InvokeCall[];
let asyncErrors: unknown[];
let onInvoke: InvokeApiOptions['onInvoke'];

beforeEach(async () => {
  calls = [];
  asyncErrors = [];
  onInvoke = async () => ({ status: 200, body: Buffer.from('"done"') });
  const api = createInvokeApi({
    credentials: [CREDENTIALS],
    functions: ['dingtalk-worker'],
    onInvoke: (call) => {
      calls.push(call);
      return onInvoke(call);
    },
    now: () => NOW,
    requestId: () => 'req-1',
    onAsyncError: (error) => asyncErrors.push(error),
  });
  server = createServer((req, res) => {
    if (!api(req, res)) res.writeHead(418).end('not mine');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function send(options: SendOptions = {}): Promise<Reply> {
  const path = options.path ?? '/2023-03-30/functions/dingtalk-worker/invocations';
  const query = options.query ?? {};
  const body = options.body ?? Buffer.from('{"msgId":"m1"}');
  const headers = signInvokeRequest({
    method: options.method ?? 'POST',
    host: `127.0.0.1:${options.port ?? port}`,
    path,
    query,
    headers: {
      ...(options.invocationType ? { 'x-fc-invocation-type': options.invocationType } : {}),
      ...(options.taskId ? { 'x-fc-async-task-id': options.taskId } : {}),
    },
    body,
    credentials: options.credentials ?? CREDENTIALS,
    date: formatAcsDate(options.date ?? NOW),
    nonce: 'nonce-1',
  });
  options.tamper?.(headers);
  const search = new URLSearchParams(query).toString();
  return new Promise((resolve, reject) => {
    const target = search ? `${path}?${search}` : path;
    const req = request({ host: '127.0.0.1', port: options.port ?? port, method: options.method ?? 'POST', path: target, headers });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() });
      });
    });
    req.end(options.wireBody ?? body);
  });
}

describe('createInvokeApi', () => {
  it('answers an async call with 202, the request id and an empty untyped body, and hands over the event', async () => {
    // Act
    const reply = await send({ invocationType: 'Async', query: { qualifier: 'LATEST' } });

    // Assess
    expect(reply).toMatchObject({ status: 202, body: '' });
    expect(reply.headers['x-fc-request-id']).toBe('req-1');
    expect(reply.headers['content-type']).toBeUndefined();
    expect(calls).toEqual([
      { functionName: 'dingtalk-worker', qualifier: 'LATEST', async: true, body: Buffer.from('{"msgId":"m1"}'), requestId: 'req-1' },
    ]);
  });

  it('answers a sync call with what the function returned', async () => {
    // Prepare
    onInvoke = async () => ({ status: 200, body: Buffer.from('{"ok":true}') });

    // Act
    const reply = await send();

    // Assess
    expect(reply).toMatchObject({ status: 200, body: '{"ok":true}' });
    expect(reply.headers['x-fc-request-id']).toBe('req-1');
    expect(calls[0]).toMatchObject({ async: false });
    expect(calls[0]?.qualifier).toBeUndefined();
  });

  it.each<[string, SendOptions, number, string]>([
    ['a wrong secret', { credentials: { ...CREDENTIALS, accessKeySecret: 'nope' } }, 403, 'SignatureNotMatch'],
    ['a body altered after signing', { wireBody: Buffer.from('{"msgId":"m2"}') }, 403, 'SignatureNotMatch'],
    ['a signed header altered', { tamper: (h) => void (h['x-acs-signature-nonce'] = 'nonce-2') }, 403, 'SignatureNotMatch'],
    ['an unknown access key', { credentials: { ...CREDENTIALS, accessKeyId: 'STS.other' } }, 403, 'InvalidAccessKeyID'],
    ['another security token', { credentials: { ...CREDENTIALS, securityToken: 'stolen' } }, 403, 'InvalidSecurityToken'],
    ['no security token', { credentials: { accessKeyId: 'STS.local', accessKeySecret: 'local-secret' } }, 403, 'InvalidSecurityToken'],
    ['no Authorization', { tamper: (h) => void delete h['authorization'] }, 400, 'MissingRequiredHeader'],
    ['a date 16 minutes old', { date: new Date(NOW.getTime() - 16 * 60_000) }, 403, 'RequestTimeTooSkewed'],
    ['an unknown function', { path: '/2023-03-30/functions/ghost/invocations' }, 404, 'FunctionNotFound'],
    ['a GET', { method: 'GET' }, 400, 'PathNotSupported'],
    ['an async payload over 128 KB', { invocationType: 'Async', body: Buffer.alloc(ASYNC_PAYLOAD_LIMIT_BYTES + 1, 97) }, 400, 'EntityTooLarge'],
  ])('rejects %s the way FC does', async (_label, options, status, code) => {
    // Act
    const reply = await send(options);

    // Assess
    expect(reply.status).toBe(status);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(JSON.parse(reply.body)).toMatchObject({ Code: code, ErrorCode: code, RequestId: 'req-1' });
    expect(calls).toEqual([]);
  });

  it('accepts a sync payload over the async limit', async () => {
    // Act
    const reply = await send({ body: Buffer.alloc(ASYNC_PAYLOAD_LIMIT_BYTES + 1, 97) });

    // Assess
    expect(reply.status).toBe(200);
    expect(calls[0]?.body.length).toBe(ASYNC_PAYLOAD_LIMIT_BYTES + 1);
  });

  it('reports a failing async function to onAsyncError after the 202', async () => {
    // Prepare
    onInvoke = async () => {
      throw new Error('worker crashed');
    };

    // Act
    const reply = await send({ invocationType: 'Async' });
    await new Promise((resolve) => setImmediate(resolve));

    // Assess
    expect(reply.status).toBe(202);
    expect(asyncErrors).toEqual([new Error('worker crashed')]);
  });

  it('turns a failing sync function into a 500', async () => {
    // Prepare
    onInvoke = async () => {
      throw new Error('worker crashed');
    };

    // Act
    const reply = await send();

    // Assess
    expect(reply.status).toBe(500);
    expect(JSON.parse(reply.body)).toMatchObject({ Code: 'InternalServerError' });
  });

  it('leaves other paths to the caller', async () => {
    // Act
    const reply = await send({ path: '/callback' });

    // Assess
    expect(reply).toMatchObject({ status: 418, body: 'not mine' });
  });

  describe('task mode', () => {
    let taskServer: Server;
    let taskPort: number;
    beforeEach(async () => {
      const api = createInvokeApi({
        credentials: [CREDENTIALS],
        functions: ['dingtalk-worker'],
        asyncTask: true,
        onInvoke: async (call) => {
          calls.push(call);
          return { status: 202 };
        },
        now: () => NOW,
        requestId: () => 'req-task',
      });
      taskServer = createServer((req, res) => void api(req, res));
      await new Promise<void>((resolve) => taskServer.listen(0, '127.0.0.1', resolve));
      taskPort = (taskServer.address() as AddressInfo).port;
    });
    afterEach(async () => {
      taskServer.closeAllConnections();
      await new Promise((resolve) => taskServer.close(resolve));
    });

    it('refuses a repeated x-fc-async-task-id with 409 in FC\'s error shape and runs the event once', async () => {
      // Act
      const first = await send({ port: taskPort, invocationType: 'Async', taskId: 'dt_once' });
      const again = await send({ port: taskPort, invocationType: 'Async', taskId: 'dt_once' });
      const other = await send({ port: taskPort, invocationType: 'Async', taskId: 'dt_other' });

      // Assess
      expect([first.status, again.status, other.status]).toEqual([202, 409, 202]);
      expect(first.headers['x-fc-async-task-id']).toBe('dt_once');
      expect(JSON.parse(again.body)).toMatchObject({ Code: 'TaskAlreadyExists', RequestId: 'req-task', Message: expect.stringContaining('dt_once') });
      expect(calls.map((call) => call.taskId)).toEqual(['dt_once', 'dt_other']);
    });

    it('lets a repeated task id through once the soak has made the API forget it', async () => {
      // Prepare
      const api = createInvokeApi({
        credentials: [CREDENTIALS],
        functions: ['dingtalk-worker'],
        asyncTask: true,
        remembersTask: (taskId) => taskId !== 'dt_forgotten',
        onInvoke: async (call) => {
          calls.push(call);
          return { status: 202 };
        },
        now: () => NOW,
      });
      const forgetful = createServer((req, res) => void api(req, res));
      await new Promise<void>((resolve) => forgetful.listen(0, '127.0.0.1', resolve));
      const forgetfulPort = (forgetful.address() as AddressInfo).port;
      // Act
      const statuses: number[] = [];
      for (const taskId of ['dt_forgotten', 'dt_forgotten', 'dt_kept', 'dt_kept']) {
        statuses.push((await send({ port: forgetfulPort, invocationType: 'Async', taskId })).status);
      }
      forgetful.closeAllConnections();
      await new Promise((resolve) => forgetful.close(resolve));
      // Assess
      expect(statuses).toEqual([202, 202, 202, 409]);
      expect(calls.map((call) => call.taskId)).toEqual(['dt_forgotten', 'dt_forgotten', 'dt_kept']);
    });

    it('refuses a task id outside FC\'s rule with 400', async () => {
      // Act
      const reply = await send({ port: taskPort, invocationType: 'Async', taskId: '9starts-with-digit' });

      // Assess
      expect(reply.status).toBe(400);
      expect(JSON.parse(reply.body)).toMatchObject({ Code: 'InvalidArgument' });
      expect(calls).toEqual([]);
    });
  });

  it('accepts a repeated task id when task mode is off, as FC does', async () => {
    // Act
    const replies = [await send({ invocationType: 'Async', taskId: 'dt_x' }), await send({ invocationType: 'Async', taskId: 'dt_x' })];

    // Assess
    expect(replies.map((reply) => reply.status)).toEqual([202, 202]);
  });
});
