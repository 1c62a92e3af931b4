/**
 * The function bundles' source maps serve one purpose: turning logged stack frames into file:line
 * (shared/logging/source-mapped-stack.ts), with Node's SourceMap, which holds every mapping as an array. In the
 * worker nine mappings in ten lie inside dependencies, and the full map costs ~40 MB and a few hundred ms on the first
 * logged stack. So inside dependency code only the first mapping of each stretch from one file is kept: a frame there
 * still names the dependency's file (not its line), and every mapping of our own code stays exact.
 */
export interface RawSourceMap {
  version: number;
  sources: string[];
  names: string[];
  mappings: string;
  [key: string]: unknown;
}

/** One mapping, absolute: generated column, then source index, original line, original column, name index. */
type Segment = number[];

export function slimSourceMap(map: RawSourceMap, isDependency: (source: string) => boolean): RawSourceMap {
  let previousSource = -1;
  const lines = decodeMappings(map.mappings).map((segments) =>
    segments.filter((segment) => {
      const source = segment[1];
      if (source === undefined) return true;
      const keep = source !== previousSource || !isDependency(map.sources[source] ?? '');
      previousSource = source;
      return keep;
    }),
  );
  return { ...map, mappings: encodeMappings(lines) };
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((char, index) => [char, index]));

export function decodeMappings(mappings: string): Segment[][] {
  const state = [0, 0, 0, 0, 0];
  return mappings.split(';').map((line) => {
    state[0] = 0;
    return line
      .split(',')
      .filter((text) => text !== '')
      .map((text) => decodeVlqs(text).map((delta, field) => (state[field] = (state[field] ?? 0) + delta)));
  });
}

export function encodeMappings(lines: Segment[][]): string {
  const previous = [0, 0, 0, 0, 0];
  return lines
    .map((segments) => {
      previous[0] = 0;
      return segments
        .map((segment) =>
          segment
            .map((value, field) => {
              const delta = value - (previous[field] ?? 0);
              previous[field] = value;
              return encodeVlq(delta);
            })
            .join(''),
        )
        .join(',');
    })
    .join(';');
}

function decodeVlqs(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = DIGIT.get(char);
    if (digit === undefined) throw new Error(`source map: '${char}' is not a base64 digit`);
    value += (digit & 31) * 2 ** shift;
    shift += 5;
    if (digit & 32) continue;
    values.push(value % 2 === 1 ? -(value - 1) / 2 : value / 2);
    value = 0;
    shift = 0;
  }
  return values;
}

function encodeVlq(delta: number): string {
  let rest = delta < 0 ? -delta * 2 + 1 : delta * 2;
  let text = '';
  do {
    const digit = rest % 32;
    rest = Math.floor(rest / 32);
    text += BASE64[rest > 0 ? digit | 32 : digit];
  } while (rest > 0);
  return text;
}
