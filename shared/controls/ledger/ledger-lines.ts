import type * as v from 'valibot';
import { parseJsonLines } from '../../validation/json-lines';

const NEWLINE = 0x0a;

/**
 * Reads an appendable JSONL object a few bytes at a time (readFrom's new bytes, or the bytes this instance appended)
 * and hands on its whole lines, so folding piece by piece gives what folding the whole object gives. Bytes after the
 * last '\n' wait for the rest of their line. Ledger writers always end their lines, so such bytes are a line torn by
 * a crash or a foreign writer: the next append then starts with '\n' (`prefix`), which leaves the torn line on its
 * own, skipped by every reader as unreadable, instead of gluing it to the next line.
 */
export interface LineReader<T> {
  /** The lines that `bytes` completes, readable ones only, in order. */
  feed(bytes: Buffer): T[];
  /** What an append must start with so that its first line starts a line: '\n' after a torn line, else ''. */
  prefix(): string;
}

export function createLineReader<S extends v.GenericSchema>(schema: S): LineReader<v.InferOutput<S>> {
  let pending = Buffer.alloc(0);
  return {
    feed(bytes) {
      const joined = pending.length === 0 ? bytes : Buffer.concat([pending, bytes]);
      const end = joined.lastIndexOf(NEWLINE) + 1;
      pending = Buffer.from(joined.subarray(end));
      return end === 0 ? [] : parseJsonLines(schema, joined.subarray(0, end).toString('utf8')).records;
    },
    prefix: () => (pending.length === 0 ? '' : '\n'),
  };
}
