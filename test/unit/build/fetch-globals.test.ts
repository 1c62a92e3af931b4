import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { production } from '../../../esbuild.config';
import { bundleForProduction } from '../../helpers/production-bundle';
import * as source from '../../helpers/worker-model';
import { startFakeOpenAi, type FakeOpenAi, type FakeReply } from '../../helpers/fake-openai';

type ModelPath = typeof source;

/**
 * The model client as the worker bundle has it: openai-node over our node:http fetch, bundled with the production
 * options, so Headers, Response and FormData are the light classes (build/fetch-globals.ts). It answers as the same
 * code on Node's own classes does, and a cold process's first model calls load no undici.
 */
describe('Headers, Response and FormData in the function bundles', () => {
  let remove: () => void;
  let bundlePath: string;
  let bundled: ModelPath;
  let fake: FakeOpenAi;

  beforeAll(async () => {
    const built = await bundleForProduction({ entry: 'test/helpers/worker-model.ts' });
    remove = built.remove;
    bundlePath = built.file;
    bundled = require(bundlePath) as ModelPath;
    fake = await startFakeOpenAi();
  });

  afterAll(async () => {
    await fake.close();
    remove();
  });

  it('is what the production options inject', () => {
    // Assess
    expect(production.inject).toEqual(['./build/fetch-globals.ts']);
  });

  it.each<[string, FakeReply[], boolean, object]>([
    ['a whole completion', [{ text: '你好，我是助手' }], false, { completion: { text: '你好，我是助手' } }],
    ['a streamed completion', [{ text: '一段分成几块的回答', chunks: 4 }], true, { completion: { text: '一段分成几块的回答' } }],
    ['a gzip answer', [{ text: '压缩的回答', contentEncoding: 'gzip' }], false, { completion: { text: '压缩的回答' } }],
    [
      'a 503, retried, then the answer',
      [{ status: 503, error: { message: 'overloaded', type: 'server_error' } }, { text: '重试后的回答' }],
      false,
      { completion: { text: '重试后的回答' } },
    ],
    [
      'an HTTP error with a JSON body',
      [{ status: 400, error: { message: 'messages is too long', type: 'invalid_request_error', code: 'context_length_exceeded' } }],
      false,
      { failed: { code: 'MODEL_REJECTED', status: 400, message: expect.stringContaining('messages is too long') as unknown } },
    ],
    [
      'a streamed HTTP error with a JSON body',
      [{ status: 401, error: { message: 'bad key', type: 'invalid_request_error', code: 'invalid_api_key' } }],
      true,
      { failed: { code: 'MODEL_AUTH', status: 401, message: expect.stringContaining('bad key') as unknown } },
    ],
  ])('answers %s as the same code on Node’s own classes does', async (_case, replies, streamed, expected) => {
    // Act
    fake.enqueue(...replies);
    const light = await callModel(bundled, fake.baseURL, streamed);
    fake.enqueue(...replies);
    const node = await callModel(source, fake.baseURL, streamed);
    // Assess
    expect(light).toMatchObject(expected);
    expect(light).toEqual(node);
    expect(fake.requests.at(-1)?.body).toEqual(fake.requests.at(-1 - replies.length)?.body);
  });

  it('loads no undici in a cold process’s first whole and streamed model calls', async () => {
    // Act: a fresh process, as a cold instance
    const script =
      `const path = require(${JSON.stringify(bundlePath)});` +
      `const model = path.createModel(${JSON.stringify(fake.baseURL)});` +
      `const progress = [];` +
      `model.complete({ messages: [{ role: 'user', content: '你好' }], timeoutMs: 10000 })` +
      `.then((whole) => model.complete({ messages: [{ role: 'user', content: '再说一次' }], timeoutMs: 10000, onProgress: (p) => progress.push(p.answer) })` +
      `.then((streamed) => process.stdout.write(JSON.stringify({ whole: whole.text, streamed: streamed.text, progressed: progress.length > 0,` +
      ` undici: process.moduleLoadList.filter((name) => name.includes('undici')) }))))` +
      `.then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script]);
    // Assess
    expect(JSON.parse(stdout)).toEqual({ whole: '回答：你好（共 1 条消息）', streamed: '回答：再说一次（共 1 条消息）', progressed: true, undici: [] });
  });
});

/** One model call, its completion or its failure as plain data (the two builds have their own error classes). */
async function callModel(path: ModelPath, baseURL: string, streamed: boolean): Promise<unknown> {
  const progress: string[] = [];
  const model = path.createModel(baseURL);
  const request = { messages: [{ role: 'user' as const, content: '你好' }], timeoutMs: 10_000 };
  try {
    const completion = await model.complete(streamed ? { ...request, onProgress: ({ answer }) => progress.push(answer) } : request);
    return { completion, progress };
  } catch (error) {
    const { name, code, message, status } = error as { name: string; code: string; message: string; status?: number };
    return { failed: { name, code, message, status }, progress };
  }
}
