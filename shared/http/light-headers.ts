/**
 * The fetch `Headers` class as the function bundles have it instead of Node's global (esbuild injects it:
 * build/fetch-globals.ts). Node 20's global is undici's, loaded on the first touch: in a cold worker's first turn
 * that cost about 20 ms of CPU and 12 MiB of peak RSS, paid because openai-node builds every request's headers with
 * `new Headers()`. This one behaves as Node's does for everything the SDK and shared/model do, thrown TypeErrors
 * included (test/unit/shared/http/light-fetch-globals.test.ts runs the same operations against both):
 * names are matched case-insensitively and stored lower-case, values are trimmed of HTTP whitespace and checked,
 * `append` joins values with ", " (each set-cookie stays its own entry, as the spec says), and iteration is live and
 * sorted by name.
 */
type HeadersInput = LightHeaders | Iterable<Iterable<unknown>> | Record<string, unknown>;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const EDGE_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;
const FORBIDDEN_IN_VALUE = /[\0\r\n]/;
const SET_COOKIE = 'set-cookie';

export class LightHeaders {
  readonly #values = new Map<string, string>();
  readonly #cookies: string[] = [];
  #sorted: Array<[string, string]> | undefined;

  constructor(init?: HeadersInput) {
    if (init === undefined) return;
    if (typeof init !== 'object' || init === null) throw new TypeError('Headers: init must be a sequence of pairs or a record');
    if (Symbol.iterator in init) {
      for (const pair of init as Iterable<unknown>) {
        if (typeof pair !== 'object' || pair === null || !(Symbol.iterator in pair)) throw new TypeError('Headers: a pair is not iterable');
        const items = [...(pair as Iterable<unknown>)];
        if (items.length !== 2) throw new TypeError(`Headers: expected a name/value pair, found ${items.length} items`);
        this.append(byteString(items[0]), byteString(items[1]));
      }
      return;
    }
    const record = init as Record<string, unknown>;
    if (Object.getOwnPropertySymbols(record).length > 0) throw new TypeError('Headers: a symbol is no header name');
    for (const name of Object.getOwnPropertyNames(record)) this.append(byteString(name), byteString(record[name]));
  }

  append(name: string, value: string): void {
    required(arguments.length, 2, 'append');
    const key = checkedName(name);
    const normalised = checkedValue(value);
    if (key === SET_COOKIE) this.#cookies.push(normalised);
    const existing = this.#values.get(key);
    this.#values.set(key, existing === undefined ? normalised : `${existing}, ${normalised}`);
    this.#sorted = undefined;
  }

  set(name: string, value: string): void {
    required(arguments.length, 2, 'set');
    const key = checkedName(name);
    const normalised = checkedValue(value);
    if (key === SET_COOKIE) this.#cookies.splice(0, this.#cookies.length, normalised);
    this.#values.set(key, normalised);
    this.#sorted = undefined;
  }

  delete(name: string): void {
    required(arguments.length, 1, 'delete');
    const key = checkedName(name);
    if (key === SET_COOKIE) this.#cookies.length = 0;
    if (this.#values.delete(key)) this.#sorted = undefined;
  }

  get(name: string): string | null {
    required(arguments.length, 1, 'get');
    return this.#values.get(checkedName(name)) ?? null;
  }

  has(name: string): boolean {
    required(arguments.length, 1, 'has');
    return this.#values.has(checkedName(name));
  }

  getSetCookie(): string[] {
    return [...this.#cookies];
  }

  /** Live, as the spec's pair iterator is: each step reads the current sorted list. */
  *entries(): IterableIterator<[string, string]> {
    for (let index = 0; index < this.#sortedEntries().length; index += 1) {
      const [name, value] = this.#sortedEntries()[index] as [string, string];
      yield [name, value];
    }
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  forEach(callback: (value: string, name: string, headers: LightHeaders) => void, thisArg?: unknown): void {
    if (typeof callback !== 'function') throw new TypeError("Headers.forEach: parameter 1 is not of type 'Function'");
    for (const [name, value] of this.entries()) callback.call(thisArg, value, name, this);
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'Headers';
  }

  #sortedEntries(): Array<[string, string]> {
    if (this.#sorted) return this.#sorted;
    const names = [...this.#values.keys()].sort();
    this.#sorted = names.flatMap((name): Array<[string, string]> =>
      name === SET_COOKIE ? this.#cookies.map((cookie) => [name, cookie]) : [[name, this.#values.get(name) as string]],
    );
    return this.#sorted;
  }
}

/** WebIDL's ByteString: a symbol cannot be one (the template literal throws the TypeError), nor a code unit above 255. */
function byteString(value: unknown): string {
  const text = `${value as string}`;
  for (let index = 0; index < text.length; index += 1) {
    if (text.charCodeAt(index) > 255) throw new TypeError(`Cannot convert to a ByteString: the character at index ${index} is above 255`);
  }
  return text;
}

function checkedName(name: unknown): string {
  const text = byteString(name);
  if (!TOKEN.test(text)) throw new TypeError(`"${text}" is an invalid header name`);
  return text.toLowerCase();
}

function checkedValue(value: unknown): string {
  const text = byteString(value).replace(EDGE_WHITESPACE, '');
  if (FORBIDDEN_IN_VALUE.test(text)) throw new TypeError(`"${text}" is an invalid header value`);
  return text;
}

function required(given: number, needed: number, method: string): void {
  if (given < needed) throw new TypeError(`Headers.${method}: ${needed} argument(s) required, but only ${given} found`);
}
