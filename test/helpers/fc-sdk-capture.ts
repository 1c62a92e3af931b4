import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import FcClient, { InvokeFunctionHeaders, InvokeFunctionRequest } from '@alicloud/fc20230330';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { RuntimeOptions } from '@darabonba/typescript';
import type { FcCredentials } from '../../shared/fc/context';

/** What the official FC SDK sends for InvokeFunction, captured on 127.0.0.1: the reference our ACS3 code must match. */
export interface Captured {
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export const STS: FcCredentials = {
  accessKeyId: 'STS.NUx7test',
  accessKeySecret: 'sts-secret-value',
  securityToken: 'CAIS+token/=',
};
export const AK: FcCredentials = { accessKeyId: 'LTAI5ttest', accessKeySecret: 'ak-secret-value' };

/** Runs the official SDK once against a capture server on 127.0.0.1 and returns what went over the wire. */
export async function captureSdkRequest(
  credentials: FcCredentials,
  functionName: string,
  qualifier: string | undefined,
  body: Buffer,
): Promise<Captured> {
  const seen: Captured[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(202, { 'x-fc-request-id': 'captured' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const client = new FcClient(
      new $OpenApiUtil.Config({ ...credentials, endpoint: `127.0.0.1:${port}`, protocol: 'http' }),
    );
    const request = new InvokeFunctionRequest({ body: Readable.from([body]), ...(qualifier ? { qualifier } : {}) });
    await client.invokeFunctionWithOptions(
      functionName,
      request,
      new InvokeFunctionHeaders({ xFcInvocationType: 'Async' }),
      new RuntimeOptions({}),
    );
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  const captured = seen[0];
  if (!captured) throw new Error('the SDK sent nothing');
  return captured;
}

export function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  if (typeof value !== 'string') throw new Error(`missing header ${name}`);
  return value;
}

export function splitUrl(url: string): { path: string; query: Record<string, string> } {
  const [path = '', rawQuery = ''] = url.split('?');
  return { path, query: Object.fromEntries(new URLSearchParams(rawQuery)) };
}
