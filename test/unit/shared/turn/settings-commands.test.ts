import type { HistoryRecord, StateRecord } from '../../../../shared/history/records';
import {
  currentModel,
  modelCommand,
  personaCommand,
  usageCommand,
} from '../../../../shared/turn/settings-commands';
import { PERSONA_MAX_CHARS, PERSONA_TOO_LONG } from '../../../../shared/turn/user-messages';
import { createTurnDependencies, TEST_NOW, viewOf } from '../../../helpers/turn-dependencies';

const SUM = { turns: 3, prompt: 12_345, completion: 678, since: 0 };
const state = (fields: Omit<StateRecord, 't' | 'id' | 'at'>, id = 'earlier'): HistoryRecord => ({ t: 'state', id, at: 1, ...fields });
const deps = createTurnDependencies();

describe('/system (personaCommand)', () => {
  it('says there is no persona yet, and how to set one, when none is set', () => {
    // Act
    const answer = personaCommand('', viewOf(), 'm1', deps);
    // Assess
    expect(answer.text).toContain('还没有设定人设');
    expect(answer.text).toContain('/system');
    expect(answer.build(viewOf())).toEqual([{ t: 'done', id: 'm1', at: TEST_NOW, kind: 'persona-shown' }]);
  });

  it('shows the persona in force, the latest one, quoting every line', () => {
    // Prepare
    const records = [state({ persona: '旧人设' }), state({ persona: '你是海盗\n说话带口音' })];
    // Act
    const answer = personaCommand('', viewOf(records), 'm1', deps);
    // Assess
    expect(answer.text).toContain('> 你是海盗\n> 说话带口音');
    expect(answer.text).not.toContain('旧人设');
    expect(answer.build(viewOf())).toHaveLength(1);
  });

  it('shows no persona after a reset, whatever was set before it', () => {
    // Act
    const answer = personaCommand('', viewOf([state({ persona: '旧人设' }), { t: 'reset', id: 'r', at: 2 }]), 'm1', deps);
    // Assess
    expect(answer.text).toContain('还没有设定人设');
  });

  it('records the new persona in a state snapshot that keeps the chosen model and the usage so far', () => {
    // Prepare
    const view = viewOf([state({ persona: '旧人设', model: 'model-b', sum: SUM })]);
    // Act
    const answer = personaCommand('你是资深 Go 工程师', view, 'm1', deps);
    // Assess
    expect(answer.text).toContain('> 你是资深 Go 工程师');
    expect(answer.build(view)).toEqual([
      { t: 'done', id: 'm1', at: TEST_NOW, kind: 'persona-set' },
      { t: 'state', id: 'm1', at: TEST_NOW, persona: '你是资深 Go 工程师', model: 'model-b', sum: SUM },
    ]);
  });

  it.each([
    ['Chinese characters', '长'],
    ['emoji (two UTF-16 units each)', '😀'],
  ])('accepts a persona of exactly the limit in %s, counted per character', (_name, char) => {
    // Act
    const answer = personaCommand(char.repeat(PERSONA_MAX_CHARS), viewOf(), 'm1', deps);
    // Assess
    expect(answer.build(viewOf())[1]).toMatchObject({ t: 'state', persona: char.repeat(PERSONA_MAX_CHARS) });
  });

  it('refuses a persona over the limit and records no state, so the old persona stays', () => {
    // Act
    const answer = personaCommand('长'.repeat(PERSONA_MAX_CHARS + 1), viewOf([state({ persona: '旧人设' })]), 'm1', deps);
    // Assess
    expect(answer.text).toBe(PERSONA_TOO_LONG);
    expect(answer.build(viewOf())).toEqual([{ t: 'done', id: 'm1', at: TEST_NOW, kind: 'persona-too-long' }]);
  });
});

describe('/model (modelCommand)', () => {
  it('lists the allowed models, marking the current one and those that take pictures', () => {
    // Act
    const answer = modelCommand('', viewOf([state({ model: 'model-b' })]), 'm1', deps);
    // Assess
    expect(answer.text.split('\n').filter((line) => line.startsWith('- '))).toEqual([
      '- model-a',
      '- **model-b**（当前）',
      '- vision-c · 支持图片',
    ]);
    expect(answer.build(viewOf())).toEqual([{ t: 'done', id: 'm1', at: TEST_NOW, kind: 'model-list' }]);
  });

  it('marks the configured model as current when nothing was chosen', () => {
    // Act
    const answer = modelCommand('', viewOf(), 'm1', deps);
    // Assess
    expect(answer.text).toContain('- **model-a**（当前）');
  });

  it.each(['model-b', 'MODEL-B', 'Model-B'])('switches to the allowed model when asked for %s, recording its own spelling', (name) => {
    // Prepare
    const view = viewOf([state({ persona: '人设', sum: SUM })]);
    // Act
    const answer = modelCommand(name, view, 'm1', deps);
    // Assess
    expect(answer.text).toContain('**model-b**');
    expect(answer.build(view)).toEqual([
      { t: 'done', id: 'm1', at: TEST_NOW, kind: 'model-set' },
      { t: 'state', id: 'm1', at: TEST_NOW, persona: '人设', model: 'model-b', sum: SUM },
    ]);
  });

  it('clears the choice when the configured model is chosen, so a later change of OPENAI_MODEL applies', () => {
    // Prepare
    const view = viewOf([state({ persona: '人设', model: 'model-b' })]);
    // Act
    const answer = modelCommand('model-a', view, 'm1', deps);
    // Assess
    expect(answer.text).toContain('**model-a**');
    expect(answer.build(view)[1]).toEqual({ t: 'state', id: 'm1', at: TEST_NOW, persona: '人设' });
  });

  it('refuses a model the admin does not allow, naming the allowed ones, and changes nothing', () => {
    // Act
    const answer = modelCommand('gpt-5', viewOf([state({ model: 'model-b' })]), 'm1', deps);
    // Assess
    expect(answer.text).toContain('「gpt-5」');
    expect(answer.text).toContain('model-a、model-b、vision-c');
    expect(answer.text).toContain('OPENAI_MODELS');
    expect(answer.build(viewOf())).toEqual([{ t: 'done', id: 'm1', at: TEST_NOW, kind: 'model-unknown' }]);
  });

  it('shows the configured model as current once the admin no longer allows the chosen one', () => {
    // Act
    const answer = modelCommand('', viewOf([state({ model: 'retired-model' })]), 'm1', deps);
    // Assess
    expect(answer.text).toContain('- **model-a**（当前）');
    expect(answer.text).not.toContain('retired-model');
  });
});

describe('currentModel', () => {
  it.each([
    ['nothing was chosen', undefined, 'model-a'],
    ['an allowed model was chosen', 'vision-c', 'vision-c'],
    ['the chosen model is no longer allowed', 'retired-model', 'model-a'],
  ])('uses the right model when %s', (_name, chosen, expected) => {
    // Act / Assess
    expect(currentModel(chosen, deps)).toBe(expected);
  });
});

describe('/usage (usageCommand)', () => {
  it('says the usage is zero before the model was ever called', () => {
    // Act
    const answer = usageCommand(viewOf([state({ persona: '人设' })]), 'm1', deps);
    // Assess
    expect(answer.text).toContain('用量为 0');
    expect(answer.build(viewOf())).toEqual([{ t: 'done', id: 'm1', at: TEST_NOW, kind: 'usage' }]);
  });

  it('counts the turns and tokens since the conversation began, in China time with thousands separators', () => {
    // Prepare
    const records: HistoryRecord[] = [
      { t: 'turn', id: 't1', at: 5, user: '问', assistant: '答', sum: { turns: 2, prompt: 100, completion: 50, since: 0 } },
      { t: 'turn', id: 't2', at: 6, user: '问', assistant: '答', sum: SUM },
    ];
    // Act
    const answer = usageCommand(viewOf(records), 'm1', deps);
    // Assess
    expect(answer.text).toContain('自 1970-01-01 08:00（北京时间）起');
    expect(answer.text).toContain('共 3 轮对话');
    expect(answer.text).toContain('- 输入 12,345 tokens');
    expect(answer.text).toContain('- 输出 678 tokens');
    expect(answer.text).toContain('- 合计 13,023 tokens');
    expect(answer.text).not.toContain('估算');
  });

  it('says the figures are partly estimated when the provider did not report usage for some turn', () => {
    // Act
    const answer = usageCommand(viewOf([state({ sum: { ...SUM, estimated: true } })]), 'm1', deps);
    // Assess
    expect(answer.text).toContain('共 3 轮对话');
    expect(answer.text).toContain('按字数估算');
  });
});
