import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { runInNewContext } from 'node:vm';
import type OSS from 'ali-oss';
import { build, type Metafile } from 'esbuild';
import { startOssServer, type OssServer } from '../../../local/oss/oss-server';
import * as unbundledAppendLog from '../../../shared/storage/oss/oss-append-log';
import * as unbundledClient from '../../../shared/storage/oss/oss-client';
import * as unbundledTransport from '../../../shared/storage/oss/urllib-transport';
import { withoutUnusedAliOss } from '../../../build/trim-ali-oss';
import { bundleForProduction } from '../../helpers/production-bundle';

const BUCKET = 'chat';
const STS = { accessKeyId: 'STS.local', accessKeySecret: 'sts-secret', securityToken: 'sts-token' };

type Product = typeof unbundledAppendLog & typeof unbundledClient & typeof unbundledTransport;
type Bundled = Product & { OSS: typeof OSS };

/** Methods ali-oss has at runtime that @types/ali-oss does not declare. */
const untyped = (client: OSS) => client as unknown as Record<'processObjectSave' | 'getObjectTagging', (...args: unknown[]) => Promise<unknown>>;

async function rejectionOf(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (thrown: unknown) => thrown as Record<string, unknown>,
  );
}

/** The worker's OSS calls, in the order a conversation makes them; what each returned, to compare the two builds. */
async function conversation(product: Product, endpoint: string, prefix: string) {
  const client = product.createOssClient({
    bucket: BUCKET,
    region: 'cn-hangzhou',
    endpoint,
    credentials: STS,
    timeoutMs: 5_000,
    transport: product.createOssTransport({ maxBodyBytes: 1 << 20 }),
  });
  const log = product.createOssAppendLog(client);
  const key = `${prefix}/history.jsonl`;
  const first = await log.append(key, 0, '{"n":1}\n');
  const second = await log.append(key, first, '{"n":2}\n');
  const conflict = await rejectionOf(log.append(key, 0, '{"n":3}\n'));
  const cause = conflict['cause'] as Record<string, unknown>;
  const range = await client.get(key, { headers: { Range: 'bytes=2-4' } });
  const tail = await log.readTail(key, 8);
  const head = await client.head(key);
  const length = await log.length(key);
  await log.put(`${prefix}/whole.jsonl`, Buffer.from('whole\n'));
  const whole = await log.readAll(`${prefix}/whole.jsonl`, 100);
  await log.remove(`${prefix}/whole.jsonl`);
  const removed = await rejectionOf(client.get(`${prefix}/whole.jsonl`));
  return {
    appended: [first, second],
    conflict: { name: conflict['name'], status: cause['status'], code: cause['code'], message: cause['message'] },
    range: { status: range.res.status, content: String(range.content), contentRange: (range.res.headers as Record<string, unknown>)['content-range'] },
    tail,
    head: { status: head.status, meta: head.meta, type: (head.res.headers as Record<string, unknown>)['x-oss-object-type'] },
    length,
    whole: whole?.toString(),
    removed: { status: removed['status'], code: removed['code'] },
  };
}

/**
 * ali-oss as the function bundles have it (build/trim-ali-oss.ts): built with the production options, it makes
 * every call the worker makes exactly as the unbundled client does, against the local OSS stand-in; the modules it
 * leaves out are not in the bundle, and each fails loudly, sending nothing, if it is ever called.
 */
describe('ali-oss in the function bundles', () => {
  let dir: string;
  let remove: () => void;
  let metafile: Metafile;
  let bundled: Bundled;
  let oss: OssServer;

  beforeAll(async () => {
    const built = await bundleForProduction({
      contents:
        "export * from './shared/storage/oss/oss-client'; export * from './shared/storage/oss/oss-append-log';" +
        "export * from './shared/storage/oss/urllib-transport'; export { default as OSS } from 'ali-oss';",
    });
    dir = dirname(built.file);
    remove = built.remove;
    metafile = built.metafile;
    bundled = require(join(dir, 'index.js')) as Bundled;
    oss = await startOssServer({ buckets: [BUCKET], credentials: [STS] });
  });

  afterAll(async () => {
    await oss.close();
    remove();
  });

  function bundledClient(options: Record<string, unknown> = {}): OSS {
    return new bundled.OSS({ ...STS, bucket: BUCKET, region: 'oss-cn-hangzhou', endpoint: oss.url, urllib: bundled.createOssTransport({ maxBodyBytes: 1 << 20 }), ...options } as OSS.Options);
  }

  it('makes the worker’s appends, conflict, ranged read, head, put and delete exactly as the unbundled client', async () => {
    // Act
    const fromBundle = await conversation(bundled, oss.url, 'bundled');
    const fromNodeModules = await conversation({ ...unbundledAppendLog, ...unbundledClient, ...unbundledTransport }, oss.url, 'unbundled');

    // Assess
    expect(fromBundle).toEqual(fromNodeModules);
    expect(fromBundle).toMatchObject({
      appended: [8, 16],
      conflict: { name: 'AppendConflictError', status: 409, code: 'PositionNotEqualToLength' },
      range: { status: 206, content: 'n":', contentRange: 'bytes 2-4/16' },
      tail: { text: '{"n":2}\n', length: 16, truncated: true, appendable: true },
      head: { status: 200, type: 'Appendable' },
      length: 16,
      whole: 'whole\n',
      removed: { status: 404, code: 'NoSuchKey' },
    });
  });

  it('sends the User-Agent the unbundled client sends', async () => {
    // Prepare: a server that records what each HEAD carries
    const seen: IncomingHttpHeaders[] = [];
    const server: Server = createServer((request, response) => {
      seen.push(request.headers);
      response.writeHead(200).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const options = { bucket: BUCKET, region: 'cn-hangzhou', endpoint, credentials: STS, timeoutMs: 2_000 };

    // Act
    await bundled.createOssClient({ ...options, transport: bundled.createOssTransport({ maxBodyBytes: 1024 }) }).head('k');
    await unbundledClient.createOssClient({ ...options, transport: unbundledTransport.createOssTransport({ maxBodyBytes: 1024 }) }).head('k');
    await new Promise((resolve) => server.close(resolve));

    // Assess
    expect(seen.map((headers) => headers['user-agent'])).toEqual([seen[1]?.['user-agent'], expect.stringMatching(/^aliyun-sdk-nodejs\/6\.[\d.]+ Node\.js [\d.]+ on /)]);
  });

  it.each([
    ['linux', 'x64'],
    ['linux', 'arm64'],
    ['darwin', 'arm64'],
    ['win32', 'x64'],
    ['win32', 'ia32'],
    ['freebsd', 'x64'],
  ])('describes Node on %s %s as platform does', (os, arch) => {
    // Prepare: platform itself, run against a process of that kind
    const node = { platform: os, arch, version: 'v20.11.1', versions: { node: '20.11.1' } };
    const exported: { description?: string } = {};
    // platform reads process from `global` when that is an object referring to itself, as Node's does.
    const sandbox: Record<string, unknown> = { module: { exports: exported }, exports: exported, process: node };
    sandbox['global'] = sandbox;
    runInNewContext(readFileSync(require.resolve('platform'), 'utf8'), sandbox);
    const standIn = require('../../../build/left-out/ali-oss/platform.js') as { describe(process: unknown): string };

    // Act
    const description = standIn.describe(node);

    // Assess
    expect(description).toBe(exported.description);
  });

  it('leaves the unused feature modules and the packages only they need out of the bundle', () => {
    // Act
    const inputs = Object.keys(metafile.inputs).filter((input) => !input.startsWith('ali-oss-left-out:'));
    const packages = new Set(inputs.map((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1]));
    const aliOss = inputs.filter((input) => input.includes('node_modules/ali-oss/')).map((input) => input.replace(/^.*node_modules\/ali-oss\//, ''));

    // Assess
    expect(aliOss).toEqual(expect.arrayContaining(['lib/client.js', 'lib/object.js', 'lib/common/object/get.js', 'lib/common/object/head.js', 'lib/common/object/delete.js']));
    expect(aliOss.filter((file) => /^lib\/(bucket|managed-upload|rtmp|image|cluster|sts)\.js$|^lib\/common\/(bucket|image|multipart|parallel)/.test(file))).toEqual([]);
    expect(aliOss.filter((file) => file.startsWith('lib/common/object/'))).toEqual(
      expect.arrayContaining(['lib/common/object/index.js', 'lib/common/object/get.js', 'lib/common/object/head.js', 'lib/common/object/delete.js']),
    );
    expect(aliOss.filter((file) => file.startsWith('lib/common/object/'))).toHaveLength(4);
    for (const name of ['platform', 'bowser', 'agentkeepalive', 'qs', 'xmlbuilder', 'mz', 'graceful-fs', 'jstoxml', 'js-base64', 'sdk-base', 'address', 'urllib']) {
      expect(packages).not.toContain(name);
    }
    expect(packages).toContain('xml2js');
  });

  it.each([
    ['a bucket operation', 'putBucket()', (client: OSS) => client.putBucket('other')],
    ['a multipart upload', 'multipartUpload()', (client: OSS) => client.multipartUpload('k', Buffer.from('x'), {})],
    ['a copy', 'copy()', (client: OSS) => client.copy('to', 'from')],
    ['an RTMP channel', 'putChannel()', (client: OSS) => client.putChannel('c', {} as OSS.PutChannelConf, {})],
    ['an image operation', 'processObjectSave()', (client: OSS) => untyped(client).processObjectSave('k', 'k2', 'image/resize,w_1')],
    ['a tagging call', 'getObjectTagging()', (client: OSS) => untyped(client).getObjectTagging('k')],
  ])('fails loudly, sending nothing, on %s', async (_use, method, call) => {
    // Prepare
    const before = oss.requests.length;

    // Act
    const failure = rejectionOf(call(bundledClient()));

    // Assess
    expect(await failure).toMatchObject({ message: `ali-oss ${method} is left out of this bundle (build/trim-ali-oss.ts)` });
    expect(oss.requests).toHaveLength(before);
  });

  it('fails loudly on the other left-out parts: signed URLs, V4 signing, the extra client classes, browser checks', async () => {
    // Prepare
    const before = oss.requests.length;
    const { ImageClient, ClusterClient, STS: StsClient } = bundled.OSS as unknown as Record<string, new (options: object) => unknown>;

    // Act, Assess
    expect(() => bundledClient().signatureUrl('k')).toThrow('ali-oss signatureUrl() is left out of this bundle');
    expect(await rejectionOf(bundledClient({ authorizationV4: true }).put('k', Buffer.from('x')))).toMatchObject({
      message: 'ali-oss V4 signing (authorizationV4, qs) is left out of this bundle (build/trim-ali-oss.ts)',
    });
    expect(() => new ImageClient!({})).toThrow('ali-oss ImageClient is left out of this bundle');
    expect(() => new ClusterClient!({})).toThrow('ali-oss ClusterClient is left out of this bundle');
    expect(() => new StsClient!({})).toThrow('ali-oss STS is left out of this bundle');
    expect(() => (bundledClient() as unknown as { checkBrowserAndVersion(n: string, v: string): boolean }).checkBrowserAndVersion('IE', '10')).toThrow('left out of this bundle');
    expect(oss.requests).toHaveLength(before);
  });

  it('stops the build when ali-oss no longer loads a left-out module as expected', async () => {
    // Prepare: an ali-oss whose client.js no longer merges the RTMP operations
    const changed = join(dir, 'changed');
    mkdirSync(join(changed, 'node_modules', 'ali-oss', 'lib'), { recursive: true });
    const source = readFileSync(require.resolve('ali-oss/lib/client.js'), 'utf8').replace("merge(proto, require('./rtmp'));", '');
    writeFileSync(join(changed, 'node_modules', 'ali-oss', 'lib', 'client.js'), source);
    writeFileSync(join(changed, 'node_modules', 'ali-oss', 'package.json'), '{"name":"ali-oss","main":"lib/client.js"}');

    // Act
    const failure = build({
      stdin: { contents: "require('ali-oss')", resolveDir: changed },
      bundle: true,
      platform: 'node',
      write: false,
      plugins: [withoutUnusedAliOss()],
      logLevel: 'silent',
    });

    // Assess
    await expect(failure).rejects.toThrow(/client\.js no longer merges \.\/rtmp: build\/trim-ali-oss\.ts must be looked at again/);
  });
});
