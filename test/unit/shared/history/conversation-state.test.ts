import { addUsage, needsCarryForward, readState, stateRecord } from '../../../../shared/history/conversation-state';
import type { HistoryRecord } from '../../../../shared/history/records';

const turn = (id: string, sum?: { turns: number; prompt: number; completion: number; since: number }): HistoryRecord => ({
  t: 'turn', id, at: 1, user: 'q', assistant: 'a'.repeat(100), ...(sum ? { sum } : {}),
});

describe('conversation state', () => {
  it('reads the latest persona, model and running token sum after the last reset', () => {
    // Prepare
    const records: HistoryRecord[] = [
      { t: 'state', id: 'old', at: 1, persona: '旧人设' },
      { t: 'reset', id: 'r', at: 2 },
      { t: 'state', id: 's1', at: 3, model: 'model-b' },
      turn('t1', { turns: 1, prompt: 10, completion: 5, since: 4 }),
      { t: 'state', id: 's2', at: 5, persona: '新人设', model: 'model-b', sum: { turns: 1, prompt: 10, completion: 5, since: 4 } },
      turn('t2', { turns: 2, prompt: 30, completion: 9, since: 4 }),
    ];
    // Act
    const state = readState(records);
    // Assess
    expect(state).toEqual({ persona: '新人设', model: 'model-b', usage: { turns: 2, prompt: 30, completion: 9, since: 4 } });
    expect(readState(records.slice(0, 2))).toEqual({ persona: undefined, model: undefined, usage: undefined });
  });

  it('adds a turn to the sum, and marks it estimated when the provider gave no usage', () => {
    // Act
    const first = addUsage(undefined, { counted: { promptTokens: 10, completionTokens: 4, totalTokens: 14 }, estimated: false, at: 100 });
    const second = addUsage(first, { counted: { promptTokens: 7, completionTokens: 3, totalTokens: 10 }, estimated: true, at: 200 });
    // Assess
    expect(first).toEqual({ turns: 1, prompt: 10, completion: 4, since: 100 });
    expect(second).toEqual({ turns: 2, prompt: 17, completion: 7, since: 100, estimated: true });
  });

  it('writes the settings again once their snapshot is far from the end of the tail', () => {
    // Prepare
    const snapshot: HistoryRecord = stateRecord('s', 1, { persona: '人设', model: undefined, usage: undefined });
    const near = [snapshot, turn('t1')];
    const far = [snapshot, ...Array.from({ length: 30 }, (_, n) => turn(`t${n}`))];
    const state = readState(far);
    // Act / Assess
    expect(needsCarryForward(near, readState(near), 1024)).toBe(false);
    expect(needsCarryForward(far, state, 1024)).toBe(true);
    expect(needsCarryForward(far, { persona: undefined, model: undefined, usage: undefined }, 1024)).toBe(false);
  });
});
