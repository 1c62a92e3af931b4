import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { Metafile } from 'esbuild';
import type { AxiosStatic } from 'axios';
import { bundleForProduction } from '../../helpers/production-bundle';
import type * as DingTalkHttp from '../../../shared/channels/dingtalk/dingtalk-http';


/**
 * The DingTalk client as the worker bundle has it (axios with its unused parts left out): it still does every
 * DingTalk call's job, loads neither Node's fetch implementation nor http2, and a request that would need a
 * left-out part fails with an error that names it.
 */
describe('axios in the function bundles', () => {
  let remove: () => void;
  let bundle: string;
  let metafile: Metafile;
  let client: typeof DingTalkHttp & { axios: AxiosStatic };
  let server: Server;
  let base: string;
  const hits: string[] = [];

  beforeAll(async () => {
    const built = await bundleForProduction({
      contents: "export * from './shared/channels/dingtalk/dingtalk-http'; export { default as axios } from 'axios';",
    });
    remove = built.remove;
    bundle = built.file;
    const result = built;
    metafile = result.metafile;
    client = require(bundle) as typeof client;
    server = createServer((request, response) => {
      hits.push(request.url ?? '');
      if (request.url === '/moved') response.writeHead(302, { location: '/target' }).end();
      else response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipSync('{"ok":true}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    remove();
  });

  beforeEach(() => {
    hits.length = 0;
  });

  it('leaves form-data with mime-db, follow-redirects and the proxy modules out of the bundle', () => {
    // Act
    const packages = Object.keys(metafile.inputs).map((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1]);
    // Assess
    expect(packages).toContain('axios');
    for (const name of ['form-data', 'mime-types', 'mime-db', 'follow-redirects', 'proxy-from-env', 'https-proxy-agent']) {
      expect(packages).not.toContain(name);
    }
  });

  it('loads neither Node’s fetch implementation nor http2 when the bundle loads', () => {
    // Act: a fresh process, as a cold instance
    const loaded = execFileSync(process.execPath, [
      '-e',
      `require(${JSON.stringify(bundle)}).createDingTalkHttp();` +
        'process.stdout.write(JSON.stringify(process.moduleLoadList.filter((name) => /undici|http2/.test(name))))',
    ]).toString('utf8');
    // Assess
    expect(JSON.parse(loaded)).toEqual([]);
  });

  it('still reads a gzip JSON answer and does not follow a redirect', async () => {
    // Prepare
    const http = client.createDingTalkHttp({ timeoutMs: 2000 });
    // Act
    const answer = await http.get(`${base}/json`);
    const moved = await http.get(`${base}/moved`, { validateStatus: () => true });
    // Assess
    expect(answer.data).toEqual({ ok: true });
    expect(moved.status).toBe(302);
    expect(hits).toEqual(['/json', '/moved']);
  });

  it.each([
    ['sending an object as multipart/form-data', 'form-data', (url: string) => client.createDingTalkHttp().postForm(url, { a: '1' })],
    ['following redirects', 'follow-redirects', (url: string) => client.createDingTalkHttp().get(url, { maxRedirects: 3 })],
    ['a proxy from the environment', 'proxy-from-env', (url: string) => client.axios.create({ maxRedirects: 0 }).get(url)],
    [
      'an HTTPS request through a proxy',
      'https-proxy-agent',
      (url: string) => client.createDingTalkHttp().get(url.replace('http:', 'https:'), { proxy: { host: '127.0.0.1', port: 9, protocol: 'http' } }),
    ],
    ['HTTP/2', 'http2', (url: string) => client.createDingTalkHttp().get(url, { httpVersion: 2 })],
  ])('fails loudly, sending nothing, on %s', async (_use, moduleName, request) => {
    // Act
    const failure = request(`${base}/json`);
    // Assess
    await expect(failure).rejects.toThrow(`${moduleName} is left out of this bundle`);
    expect(hits).toEqual([]);
  });
});
