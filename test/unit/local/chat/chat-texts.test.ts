import { historyLine, promptOf } from '../../../../local/chat/chat-texts';

describe('chat texts', () => {
  it('prompts as 你, or as the member spoken as, marking the group', () => {
    // Act / Assess
    expect(promptOf({ group: false, user: 'local-user' })).toBe('你 › ');
    expect(promptOf({ group: true, user: 'lisi' })).toBe('[群 group] lisi › ');
  });

  it('says whose history the file is', () => {
    // Arrange
    const location = { key: 'k', file: '.data/oss/local-history/f.jsonl' };
    // Act / Assess
    expect(historyLine({ ...location, shared: false }, { group: false, user: 'lisi', wechat: false })).toBe(
      "📁 会话记录 / history (lisi 的单聊 / lisi's 1:1): .data/oss/local-history/f.jsonl",
    );
    expect(historyLine({ ...location, shared: false }, { group: true, user: 'lisi', wechat: false })).toContain("lisi's own in the group");
    expect(historyLine({ ...location, shared: true }, { group: true, user: 'lisi', wechat: false })).toContain('shared by the whole group');
  });
});
