import { cutMarkdown } from '../../../../shared/cards/cut-markdown';
import { createLogger } from '../../../../shared/logging/logger';
import { type CardStream, type CardStreamOptions, startCardStream } from '../../../../shared/cards/card-stream';
import { captureLog } from '../../../helpers/builders';

interface CardCall {
  method: 'create' | 'stream' | 'finish';
  outTrackId: string;
  content: string;
  finalize?: boolean | undefined;
  error?: boolean | undefined;
  failed?: boolean | undefined;
  /** Fake-clock time the call started. */
  at: number;
}

interface FakeCardsOptions {
  latencyMs?: (call: CardCall, index: number) => number;
  failWhen?: (call: CardCall, index: number) => boolean;
}

/** In-memory cards of one chat that record each call with the fake-clock time, and can be slow or fail. */
function createFakeCards(options: FakeCardsOptions = {}) {
  const calls: CardCall[] = [];
  const load = { inFlight: 0, max: 0 };
  const record = async (call: Omit<CardCall, 'at'>): Promise<void> => {
    const entry = { ...call, at: Date.now() };
    const index = calls.push(entry) - 1;
    load.inFlight += 1;
    load.max = Math.max(load.max, load.inFlight);
    try {
      const latency = options.latencyMs?.(entry, index) ?? 0;
      await (latency > 0 ? new Promise((resolve) => setTimeout(resolve, latency)) : Promise.resolve());
      if (options.failWhen?.(entry, index)) throw new Error(`card ${call.method} failed`);
    } finally {
      load.inFlight -= 1;
    }
  };
  const client: CardStreamOptions['cards'] = {
    create: ({ outTrackId, content }) => record({ method: 'create', outTrackId, content }),
    stream: ({ outTrackId, content, finalize, error }) => record({ method: 'stream', outTrackId, content, finalize, error }),
    finish: ({ outTrackId, content, failed }) => record({ method: 'finish', outTrackId, content, failed }),
  };
  const updates = () => calls.filter((call) => call.method === 'stream' && call.finalize === false);
  /** What each card ends up holding: the content of its last finish call. */
  const finalContents = () => {
    const byCard = new Map<string, string>();
    for (const call of calls) if (call.method === 'finish') byCard.set(call.outTrackId, call.content);
    return [...byCard.values()];
  };
  return { client, calls, load, updates, finalContents };
}

const PLACEHOLDER = '思考中…';
const FALLBACK = '卡片出错了，回答见下方消息';

function setup(overrides: Partial<CardStreamOptions> = {}, fakeOptions: FakeCardsOptions = {}) {
  const fake = createFakeCards(fakeOptions);
  const log = captureLog();
  const stream = startCardStream({
    cards: fake.client,
    outTrackIdBase: 'track',
    resume: false,
    minIntervalMs: 1000,
    minGrowthChars: 50,
    maxCardChars: 3000,
    placeholder: PLACEHOLDER,
    fallbackNote: FALLBACK,
    logger: createLogger({ service: 'test', write: log.write }),
    now: () => Date.now(),
    ...overrides,
  });
  return { stream, fake, log };
}

/** Feeds the chunks one every `everyMs` (no wait after the last one) and returns the whole text. */
async function feed(stream: CardStream, chunks: readonly string[], everyMs: number): Promise<string> {
  let text = '';
  for (const [index, chunk] of chunks.entries()) {
    if (index > 0) await jest.advanceTimersByTimeAsync(everyMs);
    text += chunk;
    stream.update(text);
  }
  return text;
}

/** Splits a text into chunks of `size` characters. */
const chunksOf = (text: string, size: number): string[] =>
  Array.from({ length: Math.ceil(text.length / size) }, (_unused, index) => text.slice(index * size, (index + 1) * size));

const paragraph = (label: string, length: number): string => `${label} ${'x'.repeat(length - label.length - 1)}`;
const CODE = ['```js', ...Array.from({ length: 6 }, (_unused, index) => `const v${index} = ${index};`), '```'].join('\n');
const P1 = paragraph('P1', 120);
const P2 = paragraph('P2', 60);
const P3 = paragraph('P3', 90);
const P4 = paragraph('P4', 150);
/** Three cards of at most 200 characters, each ending at a paragraph boundary. */
const LONG_ANSWER = [P1, P2, CODE, P3, P4].join('\n\n');
const LONG_CARDS = [`${P1}\n\n${P2}`, `${CODE}\n\n${P3}`, P4];
const LONG_CODE = ['```py', ...Array.from({ length: 30 }, (_unused, index) => `value_${index} = ${index}`), '```'].join('\n');

describe('startCardStream', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('creates the card, streams the answer into it, then finalizes and finishes it, in that order', async () => {
    // Prepare
    const { stream, fake } = setup();

    // Act
    const opened = await stream.open();
    stream.update('Hello');
    await jest.advanceTimersByTimeAsync(10);
    const result = await stream.finish('Hello world');

    // Assess
    expect(opened).toBe(true);
    expect(fake.calls).toEqual([
      { method: 'create', outTrackId: 'track-0', content: PLACEHOLDER, at: 0 },
      { method: 'stream', outTrackId: 'track-0', content: 'Hello', finalize: false, error: undefined, at: 0 },
      { method: 'stream', outTrackId: 'track-0', content: 'Hello world', finalize: true, error: false, at: 10 },
      { method: 'finish', outTrackId: 'track-0', content: 'Hello world', failed: false, at: 10 },
    ]);
    expect(result).toEqual({ delivered: true, remainder: '', cards: 1, updates: 1, firstUpdateAt: 0 });
  });

  it.each([
    {
      name: 'a fast stream is sent every interval once it has grown enough',
      chunk: 'x'.repeat(10),
      everyMs: 50,
      count: 100,
      sentAt: [0, 1000, 2000, 3000, 4000],
      sentLengths: [10, 200, 400, 600, 800],
    },
    {
      name: 'a slow stream is still sent every three intervals',
      chunk: 'y',
      everyMs: 500,
      count: 20,
      sentAt: [0, 3000, 6000, 9000],
      sentLengths: [1, 6, 12, 18],
    },
  ])('throttles updates: $name', async ({ chunk, everyMs, count, sentAt, sentLengths }) => {
    // Prepare
    const { stream, fake } = setup({ minIntervalMs: 1000, minGrowthChars: 50 });
    await stream.open();

    // Act
    const answer = await feed(stream, Array.from({ length: count }, () => chunk), everyMs);
    const result = await stream.finish(answer);

    // Assess
    expect(fake.updates().map((call) => call.at)).toEqual(sentAt);
    expect(fake.updates().map((call) => call.content.length)).toEqual(sentLengths);
    expect(result.updates).toBe(sentAt.length);
    expect(result.firstUpdateAt).toBe(0);
    expect(fake.finalContents()).toEqual([answer]);
  });

  it('arms one timer for when the text is due by time, and re-arms it earlier once it has grown enough', async () => {
    // Prepare
    const delays: number[] = [];
    const timers = {
      set: (callback: () => void, ms: number) => {
        delays.push(ms);
        return setTimeout(callback, ms);
      },
      clear: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    };
    const { stream, fake } = setup({ minIntervalMs: 1000, minGrowthChars: 50, timers });
    await stream.open();

    // Act
    stream.update('a');
    await jest.advanceTimersByTimeAsync(100);
    stream.update('ab');
    stream.update('abc');
    await jest.advanceTimersByTimeAsync(100);
    stream.update(`abc${'d'.repeat(57)}`);
    await jest.advanceTimersByTimeAsync(800);

    // Assess
    expect(delays).toEqual([2900, 800]);
    expect(fake.updates().map((call) => [call.at, call.content.length])).toEqual([
      [0, 1],
      [1000, 60],
    ]);
  });

  it('keeps one call in flight and sends the latest text once a slow update returns', async () => {
    // Prepare: the second streaming update takes 2 s
    const { stream, fake } = setup(
      { minIntervalMs: 300, minGrowthChars: 1 },
      { latencyMs: (_call, index) => (index === 2 ? 2000 : 0) },
    );
    await stream.open();

    // Act
    const answer = await feed(stream, chunksOf('z'.repeat(300), 10), 100);
    const result = await stream.finish(answer);

    // Assess: nothing was sent while the slow call ran; then the latest text, skipping the 20 in between
    expect(fake.load.max).toBe(1);
    expect(fake.updates().map((call) => [call.at, call.content.length])).toEqual([
      [0, 10],
      [300, 30],
      [2300, 230],
      [2600, 260],
      [2900, 290],
    ]);
    expect(result).toMatchObject({ delivered: true, updates: 5 });
    expect(fake.finalContents()).toEqual([answer]);
  });

  it('waits for the update in flight before the final text, so the final text is never overtaken', async () => {
    // Prepare
    const { stream, fake } = setup({}, { latencyMs: (call) => (call.finalize === false ? 1000 : 0) });
    await stream.open();

    // Act
    stream.update('partial');
    const finishing = stream.finish('partial and final');
    await jest.advanceTimersByTimeAsync(1000);
    const result = await finishing;

    // Assess
    expect(fake.load.max).toBe(1);
    expect(fake.calls.slice(1).map((call) => [call.method, call.finalize, call.at])).toEqual([
      ['stream', false, 0],
      ['stream', true, 1000],
      ['finish', undefined, 1000],
    ]);
    expect(result.delivered).toBe(true);
  });

  it.each([
    ['while it streams in', 7],
    ['all at once at finish', 0],
  ])('spreads a long answer over cards at paragraph boundaries (%s)', async (_name, chunkSize) => {
    // Prepare
    const { stream, fake } = setup({ maxCardChars: 200, minIntervalMs: 200, minGrowthChars: 20 });
    await stream.open();

    // Act
    if (chunkSize > 0) await feed(stream, chunksOf(LONG_ANSWER, chunkSize), 50);
    const result = await stream.finish(LONG_ANSWER);

    // Assess
    expect(fake.finalContents()).toEqual(LONG_CARDS);
    expect(fake.calls.every((call) => call.content.length <= 200)).toBe(true);
    expect(result).toMatchObject({ delivered: true, remainder: '', cards: 3 });
    // Each card is created, streamed, finalized and finished before the next one is created
    const sequence = fake.calls.map((call) => `${call.outTrackId}:${call.method}${call.finalize ? ':final' : ''}`);
    const cardOrder = sequence.filter((step) => !step.endsWith(':stream'));
    expect(cardOrder).toEqual([
      'track-0:create',
      'track-0:stream:final',
      'track-0:finish',
      'track-1:create',
      'track-1:stream:final',
      'track-1:finish',
      'track-2:create',
      'track-2:stream:final',
      'track-2:finish',
    ]);
    expect(fake.calls.filter((call) => call.failed === true)).toEqual([]);
  });

  it('closes a code block longer than a card at the cut and reopens it in the next card', async () => {
    // Prepare
    const { stream, fake } = setup({ maxCardChars: 200 });
    await stream.open();

    // Act
    const result = await stream.finish(LONG_CODE);

    // Assess
    const cards = fake.finalContents();
    expect(cards.length).toBe(3);
    for (const [index, card] of cards.entries()) {
      expect(card.length).toBeLessThanOrEqual(200);
      expect(card.startsWith('```py\n')).toBe(true);
      expect(card.endsWith('\n```')).toBe(true);
      if (index > 0) expect(card).toMatch(/^```py\nvalue_\d+ = \d+\n/);
    }
    const codeLines = cards.flatMap((card) => card.split('\n').slice(1, -1));
    expect(codeLines).toEqual(LONG_CODE.split('\n').slice(1, -1));
    expect(result.delivered).toBe(true);
  });

  it.each([
    { resume: true, cardExists: true, expected: ['stream', 'stream', 'finish'], cards: 0 },
    { resume: true, cardExists: false, expected: ['stream', 'create', 'stream', 'finish'], cards: 1 },
    { resume: false, cardExists: false, expected: ['create', 'stream', 'finish'], cards: 1 },
  ])('resume=$resume takes over card 0 when it exists ($cardExists)', async ({ resume, cardExists, expected, cards }) => {
    // Prepare: DingTalk refuses to stream into a card it does not know
    const { stream, fake } = setup({ resume }, { failWhen: (call, index) => index === 0 && call.method === 'stream' && !cardExists });

    // Act
    const opened = await stream.open();
    const result = await stream.finish('answer');

    // Assess
    expect(opened).toBe(true);
    expect(fake.calls.map((call) => call.method)).toEqual(expected);
    expect(fake.calls.every((call) => call.outTrackId === 'track-0')).toBe(true);
    expect(fake.calls[0]).toMatchObject(resume ? { content: PLACEHOLDER, finalize: false } : { content: PLACEHOLDER });
    expect(result).toMatchObject({ delivered: true, cards, remainder: '' });
  });

  it.each([
    {
      name: 'the first update of card 0',
      failWhen: (call: CardCall) => call.method === 'stream' && call.finalize === false,
      brokenCard: 'track-0',
      finalized: [] as string[],
      remainder: LONG_ANSWER,
    },
    {
      name: 'creating card 1',
      failWhen: (call: CardCall) => call.method === 'create' && call.outTrackId === 'track-1',
      brokenCard: 'track-1',
      finalized: [LONG_CARDS[0]],
      remainder: LONG_ANSWER.slice(LONG_ANSWER.indexOf('```js')),
    },
    {
      name: 'finishing card 1',
      failWhen: (call: CardCall) => call.method === 'finish' && call.outTrackId === 'track-1' && call.failed === false,
      brokenCard: 'track-1',
      finalized: [LONG_CARDS[0]],
      remainder: LONG_ANSWER.slice(LONG_ANSWER.indexOf('```js')),
    },
  ])('hands back exactly the text no finalized card shows when $name fails', async (failure) => {
    // Prepare
    const { stream, fake } = setup({ maxCardChars: 200, minIntervalMs: 200, minGrowthChars: 20 }, failure);
    await stream.open();

    // Act
    await feed(stream, chunksOf(LONG_ANSWER, 7), 50);
    const result = await stream.finish(LONG_ANSWER);

    // Assess: the broken card is closed as failed, best effort, and nothing is sent after that
    const failedAt = fake.calls.findIndex((call) => failure.failWhen(call));
    expect(fake.calls.slice(failedAt + 1)).toEqual([
      expect.objectContaining({ method: 'stream', outTrackId: failure.brokenCard, content: FALLBACK, finalize: true }),
      expect.objectContaining({ method: 'finish', outTrackId: failure.brokenCard, content: FALLBACK, failed: true }),
    ]);
    const finalized = fake.calls.filter((call, index) => call.method === 'finish' && !call.failed && index !== failedAt);
    expect(finalized.map((call) => call.content)).toEqual(failure.finalized);
    expect(result).toMatchObject({ delivered: false, remainder: failure.remainder, error: expect.any(Error) });
  });

  it('starts the remainder with the code block opening line when the broken card was cut inside it', async () => {
    // Prepare
    const { stream } = setup(
      { maxCardChars: 200 },
      { failWhen: (call) => call.method === 'create' && call.outTrackId === 'track-1' },
    );
    await stream.open();
    const firstCut = cutMarkdown(LONG_CODE, 200);

    // Act
    const result = await stream.finish(LONG_CODE);

    // Assess
    expect(firstCut?.reopen).toBe('```py\n');
    expect(result.remainder).toBe(`${firstCut?.reopen}${LONG_CODE.slice(firstCut?.restStart)}`);
    expect(result.delivered).toBe(false);
  });

  it.each([
    ['one card', 3000, 1],
    ['the last of three cards', 200, 3],
  ])('fail() finishes %s as failed', async (_name, maxCardChars, cards) => {
    // Prepare
    const { stream, fake } = setup({ maxCardChars });
    await stream.open();
    stream.update(P1);
    const text = `${LONG_ANSWER}\n\n模型出错了，请稍后再试。`;

    // Act
    const result = await stream.fail(text);

    // Assess
    const finishes = fake.calls.filter((call) => call.method === 'finish');
    expect(finishes.map((call) => call.failed)).toEqual([...Array(cards - 1).fill(false), true]);
    expect(finishes.at(-1)?.content.endsWith('模型出错了，请稍后再试。')).toBe(true);
    const finals = fake.calls.filter((call) => call.method === 'stream' && call.finalize);
    expect(finals.every((call) => call.error === false)).toBe(true);
    expect(result).toMatchObject({ delivered: true, remainder: '', cards });
  });

  it('returns false from open when the card cannot be created, and closes it best effort', async () => {
    // Prepare
    const { stream, fake } = setup({}, { failWhen: (call) => call.method === 'create' });

    // Act
    const opened = await stream.open();
    stream.update('ignored');
    const result = await stream.finish('the answer');

    // Assess
    expect(opened).toBe(false);
    expect(fake.calls.map((call) => [call.method, call.content])).toEqual([
      ['create', PLACEHOLDER],
      ['stream', FALLBACK],
      ['finish', FALLBACK],
    ]);
    expect(result).toMatchObject({ delivered: false, remainder: 'the answer', cards: 0, updates: 0 });
  });

  it('never throws, even when every card call fails', async () => {
    // Prepare
    const { stream, fake } = setup({ resume: true }, { failWhen: () => true });

    // Act
    const opened = await stream.open();
    stream.update('text');
    const result = await stream.fail('text and an error');

    // Assess
    expect(opened).toBe(false);
    expect(fake.calls.map((call) => call.method)).toEqual(['stream', 'create', 'stream', 'finish']);
    expect(result).toMatchObject({ delivered: false, remainder: 'text and an error' });
  });

  it('delivers nothing and makes no call when finish comes without open', async () => {
    // Prepare
    const { stream, fake } = setup();

    // Act
    const result = await stream.finish('answer');

    // Assess
    expect(fake.calls).toEqual([]);
    expect(result).toMatchObject({ delivered: false, remainder: 'answer', cards: 0, error: expect.any(Error) });
  });

  it('shows a rewritten text whole in the current card rather than a blank card', async () => {
    // Prepare
    const { stream, fake } = setup({ maxCardChars: 200, minIntervalMs: 10, minGrowthChars: 1 });
    await stream.open();
    stream.update(LONG_ANSWER.slice(0, 250));
    await jest.advanceTimersByTimeAsync(10);

    // Act
    const result = await stream.finish('Sorry, start again.');

    // Assess
    expect(fake.finalContents()).toEqual([LONG_CARDS[0], 'Sorry, start again.']);
    expect(result.delivered).toBe(true);
  });

  it.each([
    ['blank lines past the cut window', `${paragraph('A', 99)}\n\n\n\n\n${paragraph('B', 40)}`, [paragraph('A', 99), paragraph('B', 40)]],
    ['a cut with only spaces before it', `${' '.repeat(150)}${paragraph('C', 20)}`, [`${' '.repeat(49)}${paragraph('C', 20)}`]],
  ])('starts no card with blank lines and makes no card of whitespace (%s)', async (_name, answer, expected) => {
    // Prepare
    const { stream, fake } = setup({ maxCardChars: 100 });
    await stream.open();

    // Act
    const result = await stream.finish(answer);

    // Assess
    expect(fake.finalContents()).toEqual(expected);
    expect(result).toMatchObject({ delivered: true, cards: expected.length });
  });

  it('ignores updates once finish has begun', async () => {
    // Prepare
    const { stream, fake } = setup({ minIntervalMs: 10, minGrowthChars: 1 });
    await stream.open();

    // Act
    const finishing = stream.finish('final');
    stream.update('late partial');
    await jest.advanceTimersByTimeAsync(100);
    const result = await finishing;

    // Assess
    expect(fake.calls.map((call) => call.content)).toEqual([PLACEHOLDER, 'final', 'final']);
    expect(result).toMatchObject({ delivered: true, updates: 0 });
    expect(await stream.fail('again')).toBe(result);
  });

  it('shows a text rewritten shorter after three intervals, as a change too small to wait for', async () => {
    // Prepare
    const { stream, fake } = setup({ minIntervalMs: 100, minGrowthChars: 50 });
    await stream.open();

    // Act
    stream.update('Hello world');
    await jest.advanceTimersByTimeAsync(10);
    stream.update('Hi');
    await jest.advanceTimersByTimeAsync(290);

    // Assess
    expect(fake.updates().map((call) => [call.at, call.content])).toEqual([
      [0, 'Hello world'],
      [300, 'Hi'],
    ]);
  });

  it('finishes without streaming when finish comes while the card is still being created', async () => {
    // Prepare
    const { stream, fake } = setup({}, { latencyMs: (call) => (call.method === 'create' ? 500 : 0) });

    // Act
    const opening = stream.open();
    stream.update('partial');
    const finishing = stream.finish('final');
    await jest.advanceTimersByTimeAsync(500);
    const [opened, result] = await Promise.all([opening, finishing]);

    // Assess
    expect(opened).toBe(true);
    expect(fake.calls.map((call) => [call.method, call.content, call.at])).toEqual([
      ['create', PLACEHOLDER, 0],
      ['stream', 'final', 500],
      ['finish', 'final', 500],
    ]);
    expect(result).toMatchObject({ delivered: true, updates: 0 });
    expect(await stream.open()).toBe(true);
  });

  it('logs card events with counts, never the text', async () => {
    // Prepare
    const { stream, log } = setup({ maxCardChars: 200 });
    await stream.open();

    // Act
    await stream.finish(LONG_ANSWER);

    // Assess
    const messages = log.entries().map((entry) => entry['message']);
    expect(messages).toContain('AI card created');
    expect(messages).toContain('AI card stream closed');
    expect(log.lines.some((line) => line.includes('P1 xxx') || line.includes('const v0'))).toBe(false);
  });
  describe("mode 'final-only'", () => {
    it('sends no update while the answer grows: only the create and, at the end, the finish with the whole text', async () => {
      // Prepare
      const { stream, fake } = setup({ mode: 'final-only', minIntervalMs: 10, minGrowthChars: 1 });
      await stream.open();

      // Act
      const answer = await feed(stream, chunksOf('x'.repeat(1000), 30), 100);
      const result = await stream.finish(answer);

      // Assess
      expect(fake.calls.map((call) => [call.method, call.content])).toEqual([
        ['create', PLACEHOLDER],
        ['finish', answer],
      ]);
      expect(result).toEqual({ delivered: true, remainder: '', cards: 1, updates: 0 });
    });

    it('costs each further card its create and its finish', async () => {
      // Prepare
      const { stream, fake } = setup({ mode: 'final-only', maxCardChars: 200 });
      await stream.open();

      // Act
      const result = await stream.finish(LONG_ANSWER);

      // Assess
      expect(fake.calls.map((call) => `${call.method} ${call.outTrackId}`)).toEqual([
        'create track-0',
        'finish track-0',
        'create track-1',
        'finish track-1',
        'create track-2',
        'finish track-2',
      ]);
      expect(fake.finalContents()).toEqual(LONG_CARDS);
      expect(result.delivered).toBe(true);
    });

    it('still ends the stream of a card taken over on resume', async () => {
      // Prepare
      const { stream, fake } = setup({ mode: 'final-only', resume: true });
      await stream.open();

      // Act
      await stream.finish('Hello world');

      // Assess
      expect(fake.calls.map((call) => [call.method, call.finalize])).toEqual([
        ['stream', false],
        ['stream', true],
        ['finish', undefined],
      ]);
    });

    it('closes the card as failed when the final text fails, without a stream call nothing needs', async () => {
      // Prepare
      const { stream, fake } = setup({ mode: 'final-only' }, { failWhen: (call) => call.method === 'finish' && !call.failed });
      await stream.open();

      // Act
      const result = await stream.finish('Hello world');

      // Assess
      expect(fake.calls.map((call) => [call.method, call.failed])).toEqual([
        ['create', undefined],
        ['finish', false],
        ['finish', true],
      ]);
      expect(result).toMatchObject({ delivered: false, remainder: 'Hello world' });
    });
  });
});
