import { normalizeText, normalizeWord } from '../../../../../shared/controls/sensitive/normalize-text';

const folded = (text: string): string => String.fromCodePoint(...normalizeText(text).folded);

describe('normalizeText', () => {
  it.each([
    ['full-width letters and digits to half-width, lower-cased', 'ＢＡＤ１２３', 'bad123'],
    ['upper case to lower case', 'BaD', 'bad'],
    ['spaces, the ideographic space, tabs and line breaks dropped', '敏 感\u3000词\t\n', '敏感词'],
    ['zero-width characters dropped', '敏\u200b感\u200d词\ufeff', '敏感词'],
    ['common separators dropped', '敏*感·词.b-a_d|x/y', '敏感词badxy'],
    ['their full-width forms dropped too', '敏＊感．词－ｂ＿ａ｜ｄ／', '敏感词bad'],
    ['Kangxi radicals folded to the ideographs they stand for', '\u2f08', '人'],
    ['ordinary Chinese text left as it is', '你好，世界', '你好,世界'],
  ])('folds %s', (_name, text, expected) => {
    expect(folded(text)).toBe(expected);
  });

  it('maps each folded character back to the original character it came from', () => {
    // Prepare: an emoji is one character (two UTF-16 units); the ligature ﬁ folds into two characters
    const normalized = normalizeText('😀Ｂ ﬁ');
    // Assess
    expect(normalized.points).toEqual(['😀', 'Ｂ', ' ', 'ﬁ']);
    expect(String.fromCodePoint(...normalized.folded)).toBe('😀bfi');
    expect(normalized.origin).toEqual([0, 1, 3, 3]);
  });

  it('folds a word the same way, to nothing when it is only separators', () => {
    expect(String.fromCodePoint(...normalizeWord('Ｂ a-D'))).toBe('bad');
    expect(normalizeWord(' *-. ')).toEqual([]);
  });
});
