import { createAccessTokenProvider } from '../../../../shared/channels/dingtalk/access-token';
import { createDingTalkHttp } from '../../../../shared/channels/dingtalk/dingtalk-http';
import { createMessageFiles } from '../../../../shared/channels/dingtalk/message-files';
import { MediaError } from '../../../../shared/errors';
import type { MessageFiles } from '../../../../shared/channels/dingtalk/message-files';
import { fetchTurnPictures } from '../../../../shared/turn/turn-pictures';
import { type DingTalkStandIn, startDingTalkStandIn } from '../../../../local/dingtalk/dingtalk-stand-in';
import { createWorkerEvent } from '../../../helpers/builders';
import { createTurnDependencies } from '../../../helpers/turn-dependencies';
import { createWorkerSettings } from '../../../helpers/worker-settings';

const MB = 1024 * 1024;
const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const picture = (bytes: number): Buffer => Buffer.concat([PNG_HEAD, Buffer.alloc(bytes - PNG_HEAD.length)]);

describe('fetchTurnPictures', () => {
  const http = createDingTalkHttp({ timeoutMs: 5000 });
  let fake: DingTalkStandIn;
  const downloads = (): number => fake.requests.filter((request) => request.route === 'fileContent').length;
  const depsFor = (images: { maxCount: number; totalMaxBytes: number }, fetcher?: MessageFiles) => {
    const tokens = createAccessTokenProvider({ http, apiBase: fake.url, appKey: fake.appKey, appSecret: fake.appSecret });
    const files = createMessageFiles({ http, apiBase: fake.url, tokens, appKey: fake.appKey, maxBytes: 4 * MB });
    const deps = createTurnDependencies({ settings: createWorkerSettings({ images }), images: fetcher ?? files });
    // The pictures as the DingTalk channel binds them: with the message's robotCode, or none for the fetcher's.
    const { media } = deps.open(createWorkerEvent(fetcher ? { robotCode: undefined } : { robotCode: fake.appKey }));
    return { ...deps, media };
  };
  const codes = (count: number, bytes: number): string[] =>
    Array.from({ length: count }, (_, index) => {
      fake.addFile(`code-${index}`, { body: picture(bytes), chunked: true });
      return `code-${index}`;
    });

  beforeEach(async () => {
    fake = await startDingTalkStandIn();
  });
  afterEach(() => fake.close());

  it('reads only the first maxCount pictures of a message and says how many it left out', async () => {
    // Prepare
    const deps = depsFor({ maxCount: 4, totalMaxBytes: 20 * MB });

    // Act
    const result = await fetchTurnPictures(codes(20, 1024), deps.media, deps);

    // Assess
    expect(result.pictures).toHaveLength(4);
    expect(downloads()).toBe(4);
    expect(result.note).toBe('（注：消息里有 20 张图片，只读取了前 4 张。）');
  });

  it('leaves out the pictures the total byte limit cannot hold, and says so', async () => {
    // Prepare
    const deps = depsFor({ maxCount: 4, totalMaxBytes: 5 * MB });

    // Act
    const result = await fetchTurnPictures(codes(3, 2 * MB), deps.media, deps);

    // Assess
    expect(result.pictures).toHaveLength(2);
    expect(result.note).toBe('（注：有 1 张因图片总大小超过 5 MB 未读取。）');
  });

  it('says both when pictures were left out by count and by size', async () => {
    // Prepare
    const deps = depsFor({ maxCount: 3, totalMaxBytes: 5 * MB });

    // Act
    const result = await fetchTurnPictures(codes(6, 2 * MB), deps.media, deps);

    // Assess
    expect(result.pictures).toHaveLength(2);
    expect(downloads()).toBe(3);
    expect(result.note).toBe('（注：消息里有 6 张图片，只读取了前 3 张。其中 1 张因图片总大小超过 5 MB 未读取。）');
  });

  it('fails with MEDIA_TOTAL_TOO_LARGE when not one picture fits', async () => {
    // Prepare
    const deps = depsFor({ maxCount: 4, totalMaxBytes: MB });

    // Act
    const error = await fetchTurnPictures(codes(2, 2 * MB), deps.media, deps).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(MediaError);
    expect(error).toMatchObject({ code: 'MEDIA_TOTAL_TOO_LARGE' });
  });

  it('has no note when every picture was read', async () => {
    // Prepare
    const deps = depsFor({ maxCount: 4, totalMaxBytes: 20 * MB });

    // Act
    const result = await fetchTurnPictures(codes(2, 1024), deps.media, deps);

    // Assess
    expect(result.pictures.map((item) => item.dataUrl.slice(0, 22))).toEqual(['data:image/png;base64,', 'data:image/png;base64,']);
    expect(result.note).toBeUndefined();
  });

  it('fetches at most two pictures at a time, and starts none after one failed', async () => {
    // Prepare
    const started: string[] = [];
    const pending = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
    let inFlight = 0;
    let mostInFlight = 0;
    const fetcher: MessageFiles = {
      downloadImage: ({ downloadCode }) =>
        new Promise((resolve, reject) => {
          started.push(downloadCode);
          inFlight += 1;
          mostInFlight = Math.max(mostInFlight, inFlight);
          const settle = (): void => void (inFlight -= 1);
          pending.set(downloadCode, {
            resolve: () => (settle(), resolve({ dataUrl: `data:image/png;base64,${downloadCode}`, bytes: 1, mimeType: 'image/png' })),
            reject: (error) => (settle(), reject(error)),
          });
        }),
    };
    const deps = depsFor({ maxCount: 6, totalMaxBytes: MB }, fetcher);
    const settleNext = async (code: string, outcome: 'ok' | 'fail'): Promise<void> => {
      await new Promise((resolve) => setImmediate(resolve));
      const handle = pending.get(code);
      if (outcome === 'ok') handle?.resolve();
      else handle?.reject(new MediaError('MEDIA_DOWNLOAD_FAILED', 'picture download failed: HTTP 500'));
    };

    // Act
    const turn = fetchTurnPictures(['a', 'b', 'c', 'd', 'e', 'f'], deps.media, deps).catch((caught: unknown) => caught);
    await settleNext('a', 'ok');
    await settleNext('b', 'fail');
    await settleNext('c', 'ok');
    const error = await turn;

    // Assess
    expect(mostInFlight).toBe(2);
    expect(started).toEqual(['a', 'b', 'c']);
    expect(error).toMatchObject({ code: 'MEDIA_DOWNLOAD_FAILED' });
  });
});
