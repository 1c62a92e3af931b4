import { AppendConflictError, NotAppendableError, StorageError } from '../../shared/errors';
import type { AppendLog } from '../../shared/storage/append-log';

/** An adapter under test, fresh and empty for each test; `close` frees what it holds (a server, say). */
export interface AppendLogSubject {
  log: AppendLog;
  close(): Promise<void>;
}

const KEY = 'history/dm-u1.jsonl';

/** The longest run of whole lines at the end of `lines` whose UTF-8 size fits in `maxBytes`: the port's promise. */
export function expectedTail(lines: string[], maxBytes: number): string {
  let tail = '';
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const candidate = `${lines[i] ?? ''}\n${tail}`;
    if (Buffer.byteLength(candidate) > maxBytes) break;
    tail = candidate;
  }
  return tail;
}

const jsonl = (lines: string[]): string => lines.map((line) => `${line}\n`).join('');

/**
 * The AppendLog port's semantics (shared/storage/append-log.ts), which every adapter must keep: OSS's own behaviour
 * is the reference (docs/function-compute.md §5), so an in-memory log that passes behaves as production does.
 */
export function describeAppendLogContract(name: string, start: () => Promise<AppendLogSubject>): void {
  describe(`AppendLog contract: ${name}`, () => {
    let subject: AppendLogSubject;
    let log: AppendLog;

    beforeEach(async () => {
      subject = await start();
      log = subject.log;
    });

    afterEach(async () => {
      await subject.close();
    });

    describe('readTail', () => {
      it('reads an absent object as empty, appendable, at length 0', async () => {
        expect(await log.readTail(KEY, 1024)).toEqual({ text: '', length: 0, truncated: false, appendable: true });
      });

      it('reads a short object whole, and one that fits exactly, without truncation', async () => {
        const text = jsonl(['{"n":1}', '{"n":2}']);
        const length = await log.append(KEY, 0, text);

        expect(await log.readTail(KEY, 1024)).toEqual({ text, length, truncated: false, appendable: true });
        expect(await log.readTail(KEY, length)).toEqual({ text, length, truncated: false, appendable: true });
      });

      it('reads only the last whole lines of a long object that fit, with its full length and `truncated`', async () => {
        const lines = Array.from({ length: 60 }, (_, i) => `{"turn":${i},"text":"${'x'.repeat(i % 13)}"}`);
        const length = await log.append(KEY, 0, jsonl(lines));
        // Cuts right after a newline, one byte either side of it, and in the middle of lines.
        const lastTwo = Buffer.byteLength(jsonl(lines.slice(-2)));
        const sizes = [lastTwo - 1, lastTwo, lastTwo + 1, 100, 257, length - 1];

        for (const maxBytes of sizes) {
          const tail = await log.readTail(KEY, maxBytes);
          expect({ maxBytes, ...tail }).toEqual({
            maxBytes, text: expectedTail(lines, maxBytes), length, truncated: true, appendable: true,
          });
        }
      });

      it('keeps multi-byte Chinese text intact wherever the cut falls', async () => {
        const lines = ['用户：你好，请介绍一下杭州', '助手：杭州是浙江省省会，西湖很美 🌸', '用户：谢谢', '助手：不客气！'];
        const length = await log.append(KEY, 0, jsonl(lines));

        for (let maxBytes = 1; maxBytes <= length + 2; maxBytes += 1) {
          const tail = await log.readTail(KEY, maxBytes);
          expect({ maxBytes, text: tail.text, length: tail.length }).toEqual({ maxBytes, text: expectedTail(lines, maxBytes), length });
          expect(tail.truncated).toBe(maxBytes < length);
          expect(tail.text).not.toContain('\uFFFD');
        }
      });

      it('returns no text when even the last line is longer than maxBytes, or has no newline before the cut', async () => {
        await log.append(KEY, 0, `{"n":1}\n{"long":"${'y'.repeat(80)}"}\n`);
        expect(await log.readTail(KEY, 40)).toMatchObject({ text: '', truncated: true });

        await log.append('unterminated', 0, 'abc\ndefghij');
        expect(await log.readTail('unterminated', 4)).toEqual({ text: '', length: 11, truncated: true, appendable: true });
      });

      it('refuses a maxBytes that is not a positive integer', async () => {
        for (const maxBytes of [0, -1, 1.5, Number.NaN]) {
          await expect(log.readTail(KEY, maxBytes)).rejects.toBeInstanceOf(RangeError);
        }
      });
    });

    describe('append and length', () => {
      it('appends at the current length and returns the new length in bytes, which length() agrees with', async () => {
        expect(await log.length(KEY)).toBe(0);
        const first = await log.append(KEY, 0, '{"n":"一"}\n');
        const second = await log.append(KEY, first, '{"n":2}\n');

        expect(first).toBe(Buffer.byteLength('{"n":"一"}\n'));
        expect(second).toBe(first + 8);
        expect(await log.length(KEY)).toBe(second);
        expect((await log.readAll(KEY, 1024))?.toString('utf8')).toBe('{"n":"一"}\n{"n":2}\n');
      });

      it('throws AppendConflictError at any other position and leaves the object as it was', async () => {
        const length = await log.append(KEY, 0, 'a\n');

        for (const position of [0, length - 1, length + 1]) {
          await expect(log.append(KEY, position, 'b\n')).rejects.toBeInstanceOf(AppendConflictError);
        }
        await expect(log.append('absent', 5, 'b\n')).rejects.toBeInstanceOf(AppendConflictError);
        expect((await log.readAll(KEY, 1024))?.toString('utf8')).toBe('a\n');
        expect(await log.length('absent')).toBe(0);
      });

      it('lets exactly one of two appends at the same position through', async () => {
        const length = await log.append(KEY, 0, 'a\n');

        const outcomes = await Promise.allSettled([log.append(KEY, length, 'b\n'), log.append(KEY, length, 'c\n')]);

        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        const refused = outcomes.find((outcome) => outcome.status === 'rejected');
        expect(refused?.status === 'rejected' && refused.reason).toBeInstanceOf(AppendConflictError);
        expect(['a\nb\n', 'a\nc\n']).toContain((await log.readAll(KEY, 1024))?.toString('utf8'));
      });

      it('throws AppendConflictError when the object was deleted since it was read', async () => {
        const length = await log.append(KEY, 0, 'a\n');
        await log.remove(KEY);

        await expect(log.append(KEY, length, 'b\n')).rejects.toBeInstanceOf(AppendConflictError);
      });
    });

    describe('put', () => {
      it('replaces an appendable object with a Normal one that takes no more appends', async () => {
        await log.append(KEY, 0, 'a\n');
        await log.put(KEY, Buffer.from('archived\n'));

        expect(await log.readTail(KEY, 1024)).toEqual({ text: 'archived\n', length: 9, truncated: false, appendable: false });
        expect(await log.length(KEY)).toBe(9);
        for (const position of [0, 9]) {
          await expect(log.append(KEY, position, 'b\n')).rejects.toBeInstanceOf(NotAppendableError);
        }
        expect((await log.readAll(KEY, 1024))?.toString('utf8')).toBe('archived\n');
      });

      it('leaves a key that can start again at 0 once the Normal object is removed', async () => {
        await log.put(KEY, Buffer.from('archived\n'));
        await log.remove(KEY);

        expect(await log.append(KEY, 0, 'fresh\n')).toBe(6);
        expect(await log.readTail(KEY, 1024)).toEqual({ text: 'fresh\n', length: 6, truncated: false, appendable: true });
      });
    });

    describe('remove', () => {
      it('deletes the object, so it reads as absent and the next append starts at 0', async () => {
        await log.append(KEY, 0, 'a\n');
        await log.remove(KEY);

        expect(await log.readTail(KEY, 1024)).toEqual({ text: '', length: 0, truncated: false, appendable: true });
        expect(await log.length(KEY)).toBe(0);
        expect(await log.readAll(KEY, 1024)).toBeUndefined();
        expect(await log.append(KEY, 0, 'b\n')).toBe(2);
      });

      it('succeeds for an absent key', async () => {
        await expect(log.remove('never-written')).resolves.toBeUndefined();
      });
    });

    describe('readFrom', () => {
      it('reads an absent object as undefined', async () => {
        expect(await log.readFrom(KEY, 0, 1024)).toBeUndefined();
        expect(await log.readFrom(KEY, 7, 1024)).toBeUndefined();
      });

      it('returns the bytes from `start` to the end, and the full length, from any start', async () => {
        const text = jsonl(['{"text":"你好"}', '{"n":2}']);
        const length = await log.append(KEY, 0, text);
        const whole = Buffer.from(text);

        for (let start = 0; start <= length; start += 1) {
          const read = await log.readFrom(KEY, start, 1024);
          expect({ start, bytes: read?.bytes.toString('hex'), length: read?.length }).toEqual({ start, bytes: whole.subarray(start).toString('hex'), length });
        }
      });

      it('gives no bytes at the length, so a reader learns cheaply that nothing was appended', async () => {
        const length = await log.append(KEY, 0, 'a\n');
        const later = await log.append(KEY, length, 'b\n');

        expect(await log.readFrom(KEY, later, 1024)).toEqual({ bytes: Buffer.alloc(0), length: later });
        expect((await log.readFrom(KEY, length, 1024))?.bytes.toString('utf8')).toBe('b\n');
      });

      it('gives no bytes and the shorter length when the object was replaced by a shorter one', async () => {
        await log.append(KEY, 0, 'abcdef\n');
        await log.remove(KEY);
        await log.append(KEY, 0, 'x\n');

        expect(await log.readFrom(KEY, 7, 1024)).toEqual({ bytes: Buffer.alloc(0), length: 2 });
        expect(await log.readFrom(KEY, 5, 1024)).toEqual({ bytes: Buffer.alloc(0), length: 2 });
      });

      it('returns up to maxBytes bytes, and a StorageError past them', async () => {
        const length = await log.append(KEY, 0, 'abcdefghij\n');

        expect((await log.readFrom(KEY, 3, length - 3))?.bytes.toString('utf8')).toBe('defghij\n');
        await expect(log.readFrom(KEY, 3, length - 4)).rejects.toBeInstanceOf(StorageError);
        await expect(log.readFrom(KEY, 0, 0)).rejects.toBeInstanceOf(StorageError);
        expect(await log.readFrom(KEY, length, 0)).toEqual({ bytes: Buffer.alloc(0), length });
      });

      it('refuses a start or maxBytes that is not a non-negative integer', async () => {
        for (const [start, maxBytes] of [[-1, 10], [1.5, 10], [0, -1], [0, Number.NaN]] as const) {
          await expect(log.readFrom(KEY, start, maxBytes)).rejects.toBeInstanceOf(RangeError);
        }
      });
    });

    describe('readAll', () => {
      it('reads an absent object as undefined', async () => {
        expect(await log.readAll(KEY, 1024)).toBeUndefined();
      });

      it('returns every byte up to maxBytes, and a StorageError past it', async () => {
        const text = jsonl(['{"text":"你好"}', '{"n":2}']);
        const length = await log.append(KEY, 0, text);

        expect((await log.readAll(KEY, length))?.equals(Buffer.from(text))).toBe(true);
        await expect(log.readAll(KEY, length - 1)).rejects.toBeInstanceOf(StorageError);
      });

      it('gives a copy: changing it does not change the object', async () => {
        await log.append(KEY, 0, 'abc\n');
        const read = await log.readAll(KEY, 1024);
        read?.fill(0x78);

        expect((await log.readAll(KEY, 1024))?.toString('utf8')).toBe('abc\n');
      });
    });
  });
}
