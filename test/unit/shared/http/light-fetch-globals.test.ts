import { LightHeaders } from '../../../../shared/http/light-headers';
import { LightResponse } from '../../../../shared/http/light-response';

/**
 * The function bundles use LightHeaders and LightResponse where the code says Headers and Response
 * (build/fetch-globals.ts), so each scenario below runs the same operations against them and against Node's own
 * classes, and expects the same results: values, iteration order, and which error class is thrown.
 */
interface Classes {
  Headers: typeof Headers;
  Response: typeof Response;
}

const NODE: Classes = { Headers: globalThis.Headers, Response: globalThis.Response };
const LIGHT = { Headers: LightHeaders, Response: LightResponse } as unknown as Classes;

type Scenario = (classes: Classes) => unknown;
type HeadersInit = NonNullable<ConstructorParameters<typeof Headers>[0]>;

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

function streamOf(...chunks: unknown[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull(controller) {
      const next = chunks.shift();
      if (next === undefined) controller.close();
      else if (next instanceof Error) controller.error(next);
      else controller.enqueue(next as Uint8Array);
    },
  });
}

const entries = (headers: Headers): Array<[string, string]> => [...headers];

const HEADERS: Record<string, Scenario> = {
  'a record: names lower-cased, values trimmed and stringified, sorted': ({ Headers }) =>
    entries(new Headers({ 'X-B': ' two\t', a: 1 as unknown as string, Accept: 'json', n: null as unknown as string, u: undefined as unknown as string })),
  'pairs from arrays and sets, repeated names joined': ({ Headers }) =>
    entries(new Headers([['Z', '1'], new Set(['a', '2']) as unknown as [string, string], ['z', '3']])),
  'another Headers, set-cookie kept apart': ({ Headers }) => {
    const first = new Headers([['Set-Cookie', 'a=1'], ['set-cookie', 'b=2'], ['x', '1']]);
    const copy = new Headers(first);
    return [entries(copy), copy.get('set-cookie'), copy.getSetCookie()];
  },
  'append, get, has and delete ignore case': ({ Headers }) => {
    const headers = new Headers();
    headers.append('Content-Type', 'a');
    headers.append('content-type', 'b');
    const before = [headers.get('CONTENT-TYPE'), headers.has('Content-type'), headers.get('absent')];
    headers.delete('CONTENT-type');
    return [before, headers.has('content-type'), entries(headers)];
  },
  'set replaces every value, set-cookie included': ({ Headers }) => {
    const headers = new Headers({ 'Set-Cookie': 'a', x: '1' });
    headers.append('x', '2');
    headers.set('X', '3');
    headers.set('set-cookie', 'b');
    headers.append('set-cookie', 'c');
    return [entries(headers), headers.get('set-cookie')];
  },
  'delete of set-cookie drops all cookies': ({ Headers }) => {
    const headers = new Headers([['set-cookie', 'a'], ['set-cookie', 'b'], ['z', '1']]);
    headers.delete('Set-Cookie');
    return [entries(headers), headers.getSetCookie()];
  },
  'keys, values, entries and forEach in sorted order': ({ Headers }) => {
    const headers = new Headers({ b: '1', a: '2', 'set-cookie': 'c' });
    const seen: unknown[] = [];
    headers.forEach(function (this: unknown, value, name, self) {
      seen.push([value, name, self === headers, this]);
    }, 'context');
    const iterator = headers.entries();
    return [[...headers.keys()], [...headers.values()], seen, iterator[Symbol.iterator]() === iterator];
  },
  'iteration is live': ({ Headers }) => {
    const headers = new Headers({ a: '1', b: '2' });
    const names: string[] = [];
    for (const [name] of headers) {
      names.push(name);
      if (name === 'a') headers.set('aa', '3');
    }
    return names;
  },
  'Object.fromEntries, as node-http-fetch sends them': ({ Headers }) =>
    Object.fromEntries(new Headers({ Authorization: 'Bearer k', 'User-Agent': 'OpenAI/JS' })),
  'values trimmed to nothing, latin-1 values kept': ({ Headers }) => {
    const headers = new Headers({ a: ' \t', b: 'x\u00ff', c: 'in side' });
    return [headers.get('a'), headers.get('b'), headers.get('c')];
  },
  'the string tag': ({ Headers }) => Object.prototype.toString.call(new Headers()),
  'a name with a space throws': ({ Headers }) => new Headers({ 'a b': '1' }),
  'an empty name throws': ({ Headers }) => new Headers().append('', '1'),
  'a name beyond latin-1 throws': ({ Headers }) => new Headers().set('a\u0100', '1'),
  'get of an invalid name throws': ({ Headers }) => new Headers().get('a:b'),
  'a line break inside a value throws': ({ Headers }) => new Headers({ a: '1\n2' }),
  'a NUL in a value throws': ({ Headers }) => new Headers().append('a', '\0'),
  'a value beyond latin-1 throws': ({ Headers }) => new Headers({ a: '\u0100' }),
  'a trailing line break is trimmed, not refused': ({ Headers }) => entries(new Headers({ a: '1\r\n' })),
  'a string as init throws': ({ Headers }) => new Headers('a' as unknown as HeadersInit),
  'a number as init throws': ({ Headers }) => new Headers(5 as unknown as HeadersInit),
  'null as init throws': ({ Headers }) => new Headers(null as unknown as HeadersInit),
  'a pair of one throws': ({ Headers }) => new Headers([['a']] as unknown as HeadersInit),
  'a pair of three throws': ({ Headers }) => new Headers([['a', '1', '2']] as unknown as HeadersInit),
  'a pair that is a string throws': ({ Headers }) => new Headers(['ab'] as unknown as HeadersInit),
  'a symbol key throws': ({ Headers }) => new Headers({ [Symbol('x')]: '1' } as unknown as HeadersInit),
  'a symbol value throws': ({ Headers }) => new Headers([['a', Symbol('x')]] as unknown as HeadersInit),
  'a missing argument throws': ({ Headers }) => (new Headers() as unknown as { append(name: string): void }).append('a'),
  'forEach without a function throws': ({ Headers }) => new Headers().forEach(1 as unknown as () => void),
};

const RESPONSES: Record<string, Scenario> = {
  'no body: the defaults': ({ Response }) => {
    const response = new Response();
    return [response.status, response.statusText, response.ok, response.url, response.type, response.redirected, response.body, response.bodyUsed, entries(response.headers)];
  },
  'a string body: text/plain added, read once': async ({ Response }) => {
    const response = new Response('你好', { status: 201, statusText: 'Created', headers: { 'X-Id': '7' } });
    const text = await response.text();
    return [response.status, response.statusText, response.ok, entries(response.headers), text, response.bodyUsed];
  },
  'a string body keeps a given content type': ({ Response }) => entries(new Response('{}', { headers: [['Content-Type', 'application/json']] }).headers),
  'a second read throws': async ({ Response }) => {
    const response = new Response('x');
    await response.text();
    return response.json();
  },
  'bytes: copied at construction, no content type': async ({ Response }) => {
    const bytes = new Uint8Array([1, 2, 3]);
    const response = new Response(bytes);
    bytes[0] = 9;
    return [entries(response.headers), new Uint8Array(await response.arrayBuffer())];
  },
  'a view into a larger buffer': async ({ Response }) => {
    const buffer = new Uint8Array([0, 1, 2, 3, 4]);
    return new Uint8Array(await new Response(buffer.subarray(1, 4)).arrayBuffer());
  },
  'an ArrayBuffer': async ({ Response }) => new Response(utf8('ab').buffer as ArrayBuffer).text(),
  'a number body is its text': async ({ Response }) => {
    const response = new Response(123 as unknown as string);
    return [entries(response.headers), await response.text()];
  },
  'a stream: a character split across chunks': async ({ Response }) => {
    const bytes = utf8('回答');
    const response = new Response(streamOf(bytes.subarray(0, 2), bytes.subarray(2)), { headers: { 'content-type': 'text/event-stream' } });
    return [entries(response.headers), await response.text(), response.bodyUsed];
  },
  'json of a stream, BOM dropped': async ({ Response }) => new Response(streamOf(utf8('\ufeff{"a":'), utf8('[1]}'))).json(),
  'json of garbage throws': async ({ Response }) => new Response('not json').json(),
  'a malformed UTF-8 sequence is replaced': async ({ Response }) => new Response(new Uint8Array([0x61, 0xff, 0x62])).text(),
  'the body of bytes is a stream; read from, the response is used': async ({ Response }) => {
    const response = new Response(utf8('ab'));
    const body = response.body as ReadableStream<Uint8Array>;
    const before = response.bodyUsed;
    const reader = body.getReader();
    const first = await reader.read();
    reader.releaseLock();
    return [before, Array.from(first.value ?? []), response.bodyUsed, response.body === body, await response.text().catch((error: Error) => error.name)];
  },
  'a locked stream cannot be read': async ({ Response }) => {
    const response = new Response(streamOf(utf8('a')));
    (response.body as ReadableStream).getReader();
    return [response.bodyUsed, await response.text().catch((error: Error) => error.name)];
  },
  'a cancelled body is used': async ({ Response }) => {
    const response = new Response(streamOf(utf8('a')));
    await (response.body as ReadableStream).cancel();
    return response.bodyUsed;
  },
  'a failing stream rejects with its own error': async ({ Response }) => {
    const cause = new RangeError('model stream broke');
    const failure = await new Response(streamOf(utf8('a'), cause)).text().catch((error: unknown) => error);
    return failure === cause;
  },
  'a chunk that is not bytes throws': async ({ Response }) => new Response(streamOf('text')).text(),
  'no body reads as empty, again and again': async ({ Response }) => {
    const response = new Response(null, { status: 204 });
    return [await response.text(), await response.text(), response.bodyUsed, new Uint8Array(await response.arrayBuffer())];
  },
  'ok is 2xx only': ({ Response }) => [299, 300, 404, 500].map((status) => new Response(null, { status }).ok),
  'a status is converted as an unsigned short': ({ Response }) => [new Response(null, { status: '201' as unknown as number }).status, new Response(null, { status: 65736 }).status],
  'status 199 throws': ({ Response }) => new Response(null, { status: 199 }),
  'status 600 throws': ({ Response }) => new Response(null, { status: 600 }),
  'status NaN throws': ({ Response }) => new Response(null, { status: Number.NaN }),
  'a body with status 204 throws': ({ Response }) => new Response('x', { status: 204 }),
  'a body with status 304 throws': ({ Response }) => new Response(utf8('x'), { status: 304 }),
  'a status text with a line break throws': ({ Response }) => new Response(null, { statusText: 'a\nb' }),
  'a status text beyond latin-1 throws': ({ Response }) => new Response(null, { statusText: '\u0100' }),
  'a latin-1 status text is kept': ({ Response }) => new Response(null, { statusText: 'Gr\u00fc\u00df' }).statusText,
  'bad init headers throw': ({ Response }) => new Response('', { headers: [['a']] as unknown as HeadersInit }),
  'null init is no init': ({ Response }) => new Response('x', null as unknown as ResponseInit).status,
  'a number as init throws': ({ Response }) => new Response(null, 5 as unknown as ResponseInit),
  'the string tag': ({ Response }) => Object.prototype.toString.call(new Response()),
};

async function outcome(scenario: Scenario, classes: Classes): Promise<unknown> {
  try {
    return { value: normalised(await scenario(classes)) };
  } catch (error) {
    return { threw: (error as Error).constructor.name };
  }
}

/** Class instances made comparable: headers as their entries, a response as its fields. */
function normalised(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalised);
  if (value instanceof Uint8Array) return Array.from(value);
  const tag = typeof value === 'object' && value !== null ? Object.prototype.toString.call(value) : '';
  if (tag === '[object Headers]') return entries(value as Headers);
  if (tag === '[object Response]') {
    const response = value as Response;
    return { status: response.status, statusText: response.statusText, headers: entries(response.headers) };
  }
  return value;
}

describe.each([
  ['Headers', HEADERS],
  ['Response', RESPONSES],
])('the light %s against Node’s own', (_name, scenarios) => {
  it.each(Object.keys(scenarios))('%s', async (name) => {
    // Prepare
    const scenario = scenarios[name] as Scenario;
    // Act
    const node = await outcome(scenario, NODE);
    const light = await outcome(scenario, LIGHT);
    // Assess: the same, and (so that a broken scenario cannot pass by failing on both) a throw only where named
    expect(light).toEqual(node);
    expect(Object.keys(node as object)).toEqual([/ throws?$/.test(name) ? 'threw' : 'value']);
  });
});
