import type { TurnRecord } from '../../../../shared/history/records';
import { doneAnswer } from '../../../../shared/turn/answer';
import { recordsFor, storedReply } from '../../../../shared/turn/turn-records';
import { RESET_DONE } from '../../../../shared/turn/user-messages';
import { viewOf } from '../../../helpers/turn-dependencies';

const turn = (overrides: Partial<TurnRecord> = {}): TurnRecord => ({ t: 'turn', id: 'm1', at: 5, user: '问', assistant: '答', ...overrides });

describe('the records an answer leaves', () => {
  it('stores the reply with a done record, so a retry can send exactly it', () => {
    // Act
    const [done] = recordsFor(doneAnswer('m1', 5, '使用说明…', 'help'), viewOf(), 64 * 1024);
    // Assess
    expect(done).toEqual({ t: 'done', id: 'm1', at: 5, kind: 'help', reply: '使用说明…' });
    expect(storedReply(done)).toBe('使用说明…');
  });

  it('stores a turn\'s reply only when it differs from the answer, and nothing to send when a card held it', () => {
    // Act
    const [plain] = recordsFor({ text: '答', build: () => [turn()] }, viewOf(), 64 * 1024);
    const [noted] = recordsFor({ text: '答\n\n（图片未读）', build: () => [turn()] }, viewOf(), 64 * 1024);
    const [carded] = recordsFor({ text: '答', build: () => [turn()], delivered: true }, viewOf(), 64 * 1024);
    // Assess
    expect(plain).not.toHaveProperty('reply');
    expect(storedReply(plain)).toBe('答');
    expect(storedReply(noted)).toBe('答\n\n（图片未读）');
    expect(storedReply(carded)).toBe('');
  });

  it('writes the token count again when the last record holding it scrolled far back, and says what a reset sends', () => {
    // Prepare: a quarter of a 400-byte tail is 100 bytes; the help answers after the last turn are more
    const view = viewOf([
      turn({ id: 't1', sum: { turns: 1, prompt: 10, completion: 5, since: 1 } }),
      ...Array.from({ length: 3 }, (_, index) => ({ t: 'done' as const, id: `h${index}`, at: 2, kind: 'help', reply: '使用说明'.repeat(5) })),
    ]);
    // Act
    const records = recordsFor(doneAnswer('m2', 6, '使用说明', 'help'), view, 400);
    // Assess
    expect(records.map((record) => record.t)).toEqual(['done', 'state']);
    expect(records[1]).toMatchObject({ sum: { turns: 1, prompt: 10, completion: 5 } });
    expect(storedReply({ t: 'reset', id: 'm3', at: 7 })).toBe(RESET_DONE);
  });
});
