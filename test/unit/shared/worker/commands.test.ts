import { classifyMessage } from '../../../../shared/worker/commands';
import { createDingTalkMessage } from '../../../helpers/builders';

const commands = { reset: ['新对话', '/new'], help: ['帮助', 'help'] };

describe('classifyMessage', () => {
  it.each([
    [' 新对话 ', 'reset'],
    ['/NEW', 'reset'],
    ['Help', 'help'],
    ['', 'help'],
    ['新对话是什么意思', 'chat'],
  ])('classifies %j as %s', (text, kind) => {
    // Act / Assess
    expect(classifyMessage(createDingTalkMessage({ text: { content: text } }), commands).kind).toBe(kind);
  });

  it('uses DingTalk\'s speech recognition for voice messages, and refuses other media', () => {
    // Act
    const voice = classifyMessage(createDingTalkMessage({ msgtype: 'audio', content: { recognition: '明天天气' } }), commands);
    const picture = classifyMessage(createDingTalkMessage({ msgtype: 'picture', content: { downloadCode: 'x' } }), commands);
    // Assess
    expect(voice).toEqual({ kind: 'chat', text: '明天天气' });
    expect(picture).toEqual({ kind: 'unsupported', msgtype: 'picture' });
  });
});
