import { PayloadParseError } from '../../../../shared/errors';
import { decodeUtf8, jsonDepth, parseJson } from '../../../../shared/validation/parse';

const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

describe('parseJson', () => {
  it('parses ordinary JSON', () => {
    // Act / Assess
    expect(parseJson('{"msgId":"msg1==","text":{"content":"你好 😀"}}')).toEqual({ msgId: 'msg1==', text: { content: '你好 😀' } });
  });

  it('takes 64 levels and refuses 65, before parsing', () => {
    // Act / Assess
    expect(parseJson(nested(64))).toBeDefined();
    expect(() => parseJson(nested(65))).toThrow(new PayloadParseError(['body: nested deeper than 64 levels']));
    expect(() => parseJson('['.repeat(1_000_000))).toThrow(/nested deeper than 64 levels/);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    // Act / Assess
    expect(jsonDepth(JSON.stringify({ text: `\\"${'['.repeat(500)}`, more: ['{'] }))).toBe(2);
  });

  it.each([
    ['a lone high surrogate in a value', '{"msgId":"msg\\ud800"}'],
    ['a lone low surrogate in a nested value', '{"content":{"richText":[{"text":"\\udfff x"}]}}'],
    ['a lone surrogate in a key', '{"\\ud83d":1}'],
  ])('refuses %s', (_label, text) => {
    // Act / Assess
    expect(() => parseJson(text)).toThrow(/not well-formed Unicode/);
  });

  it('accepts an escaped surrogate pair', () => {
    // Act / Assess
    expect(parseJson('{"t":"\\ud83d\\ude00"}')).toEqual({ t: '😀' });
  });

  it('refuses malformed JSON with PayloadParseError', () => {
    // Act / Assess
    expect(() => parseJson('{"a":')).toThrow(/^invalid payload: body: malformed JSON$/);
  });
});

describe('decodeUtf8', () => {
  it('decodes UTF-8 and refuses invalid bytes instead of replacing them', () => {
    // Act / Assess
    expect(decodeUtf8(Buffer.from('钉钉'), 'body')).toBe('钉钉');
    expect(() => decodeUtf8(Buffer.from([0x7b, 0xff, 0x7d]), 'body')).toThrow(/^invalid payload: body: invalid UTF-8$/);
    expect(() => decodeUtf8(Buffer.from([0xed, 0xa0, 0x80]), 'event')).toThrow(/event: invalid UTF-8/);
  });
});
