import { createSensitiveMatcher } from '../../../../../shared/controls/sensitive/sensitive-matcher';

const matcher = createSensitiveMatcher(['bad', '敏感词', 'Ｆｏｏ']);

describe('createSensitiveMatcher', () => {
  describe('finds a word however it is written', () => {
    it.each([
      ['as it is', '这是敏感词。', 1],
      ['spaced out', '这是敏 感 词。', 1],
      ['with separators between its characters', '这是敏*感*词，还有 b.a.d', 2],
      ['with full-width separators', '敏＊感／词', 1],
      ['with zero-width characters inside', '敏\u200b感\u200c词', 1],
      ['in full-width letters', 'ＢＡＤ', 1],
      ['in another case', 'Bad and BAD', 2],
      ['spaced out on its own', 'b a d', 1],
      ['listed in full-width letters, written in half-width', 'foo', 1],
      ['next to emoji', '😀敏感词😀', 1],
    ])('%s', (_name, text, count) => {
      expect(matcher.find(text)).toEqual({ count });
    });
  });

  describe('does not find a word', () => {
    it.each([
      ['when other characters come between its characters', '敏锐的感觉，词语'],
      ['when only a part of it is there', '敏感的问题'],
      ['when two unrelated words meet across a space', 'grab adult'],
      ['when an emoji comes between its characters', '敏😀感词'],
      ['in an empty text', ''],
    ])('%s', (_name, text) => {
      expect(matcher.find(text)).toEqual({ count: 0 });
    });
  });

  it('finds nothing with no words, or with words that are only separators', () => {
    expect(createSensitiveMatcher([]).find('任何内容')).toEqual({ count: 0 });
    expect(createSensitiveMatcher([' ', '*-*']).mask('a * b')).toEqual({ text: 'a * b', count: 0 });
  });

  describe('mask', () => {
    it.each([
      ['one star for each original character of the hit', '这是敏感词。', '这是***。'],
      ['the separators inside the hit too, but not those around it', '这是 敏*感 词 。', '这是 ***** 。'],
      ['full-width letters, one star each', '它很ＢＡＤ', '它很***'],
      ['every hit', 'bad, 敏感词, bad', '***, ***, ***'],
    ])('replaces %s', (_name, text, expected) => {
      expect(matcher.mask(text).text).toBe(expected);
    });

    it('covers overlapping words as one span and counts each', () => {
      // Prepare
      const overlapping = createSensitiveMatcher(['敏感', '感词', 'abc', 'bcd']);
      // Act / Assess
      expect(overlapping.mask('很敏感词啊')).toEqual({ text: '很***啊', count: 2 });
      expect(overlapping.mask('xabcdx')).toEqual({ text: 'x****x', count: 2 });
    });

    it('replaces an emoji inside a hit by one star, and leaves emoji outside it whole', () => {
      const withEmoji = createSensitiveMatcher(['b😀d']);
      expect(withEmoji.mask('😀b😀d😀')).toEqual({ text: '😀***😀', count: 1 });
    });

    it('masks a word inside a longer word, and the longer word whole', () => {
      const nested = createSensitiveMatcher(['ab', 'abc']);
      expect(nested.mask('ab abc')).toEqual({ text: '** ***', count: 3 });
    });

    it('leaves a text without hits exactly as it was, emoji and combining marks included', () => {
      const text = '👨‍👩‍👧 café e\u0301 ＡＢＣ';
      expect(matcher.mask(text)).toEqual({ text, count: 0 });
    });
  });

  describe('holdBack', () => {
    it.each([
      ['nothing when the end could not begin a word', '你好', 0],
      ['the start of a word', '这是敏感', 2],
      ['the start of a word with its separators', '这是敏 *感 ', 5],
      ['the start of a word in full-width letters', 'ＢＡ', 2],
      ['nothing after a whole word that begins no longer word', '这是敏感词', 0],
      ['nothing for an emoji at the end', '敏感😀', 0],
    ])('holds back %s', (_name, text, count) => {
      expect(matcher.holdBack(text)).toBe(count);
    });

    it('holds back a whole word that a longer word begins with', () => {
      expect(createSensitiveMatcher(['ab', 'abc']).holdBack('xab')).toBe(2);
    });

    it('holds back the longest end that could still grow into a word', () => {
      // "abab" could become "ababc"; its last "ab" alone could become "abc" too, which the longer tail covers
      expect(createSensitiveMatcher(['ababc', 'abc']).holdBack('xabab')).toBe(4);
    });
  });

  describe('follow', () => {
    it('shows a growing text masked, holding back what could still begin a word', () => {
      // Prepare
      const follower = matcher.follow();
      // Act
      const looks = ['这是', '这是敏', '这是敏 感', '这是敏 感词，', '这是敏 感词，好'].map((text) => follower.look(text));
      // Assess
      expect(looks).toEqual([
        { shown: '这是', count: 0 },
        { shown: '这是', count: 0 },
        { shown: '这是', count: 0 },
        { shown: '这是****，', count: 1 },
        { shown: '这是****，好', count: 1 },
      ]);
    });

    it('reads a text that does not extend the previous one afresh', () => {
      const follower = matcher.follow();
      follower.look('敏感词');
      expect(follower.look('你好')).toEqual({ shown: '你好', count: 0 });
    });

    it('reads a surrogate pair split between two looks as one character', () => {
      const follower = createSensitiveMatcher(['b😀d']).follow();
      follower.look('b\ud83d');
      expect(follower.look('b😀d')).toEqual({ shown: '***', count: 1 });
    });

    it('never shows what the whole text masks, however the text is cut into chunks', () => {
      // Prepare: words that overlap and share beginnings, and texts made of their pieces, cut at random
      let seed = 7;
      const random = (below: number): number => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        return seed % below;
      };
      const words = ['敏感词', '感词', 'ab', 'abc', 'bcd', '😀x'];
      const pieces = ['敏', '感', '词', 'a', 'b', 'c', 'd', ' ', '*', '😀', 'x', '好', 'Ａ'];
      const follower = () => createSensitiveMatcher(words).follow();
      const whole = createSensitiveMatcher(words);
      let withHits = 0;
      for (let round = 0; round < 200; round += 1) {
        const text = Array.from({ length: 20 }, () => pieces[random(pieces.length)]).join('');
        const expected = whole.mask(text).text;
        const watching = follower();
        let end = 0;
        // Act: the text so far, a few UTF-16 units more each time (sometimes cutting a surrogate pair)
        while (end < text.length) {
          end = Math.min(text.length, end + 1 + random(3));
          const { shown } = watching.look(text.slice(0, end));
          // Assess: what is shown is always the start of the whole text masked, so no word ever shows
          expect(expected.startsWith(shown)).toBe(true);
        }
        // The whole text: all of it masked, but its tail that could still grow into a word
        const points = Array.from(expected);
        expect(watching.look(text).shown).toBe(points.slice(0, points.length - whole.holdBack(text)).join(''));
        if (whole.find(text).count > 0) withHits += 1;
      }
      // The texts did hold words to mask
      expect(withHits).toBeGreaterThan(50);
    });
  });
});
