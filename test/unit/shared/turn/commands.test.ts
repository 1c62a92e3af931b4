import type { DingTalkMessage } from '../../../../shared/channels/dingtalk/schema';
import { toInboundMessage } from '../../../../shared/channels/dingtalk/inbound';
import { classifyMessage as classifyInbound, type CommandSettings } from '../../../../shared/turn/commands';
import { createDingTalkMessage } from '../../../helpers/builders';

const commands = { reset: ['新对话', '/new'], help: ['帮助', 'help'] };
/** A DingTalk message as the DingTalk channel hands it to the pipeline. */
const classifyMessage = (message: DingTalkMessage, settings: CommandSettings) => classifyInbound(toInboundMessage(message), settings);
const classifyText = (text: string) => classifyMessage(createDingTalkMessage({ text: { content: text } }), commands);

describe('classifyMessage', () => {
  it.each([
    [' 新对话 ', { kind: 'reset' }],
    ['/NEW', { kind: 'reset' }],
    ['Help', { kind: 'help' }],
    ['', { kind: 'help' }],
    ['新对话是什么意思', { kind: 'chat', text: '新对话是什么意思', images: [] }],
    ['/system 你是资深 Go 工程师', { kind: 'persona', text: '你是资深 Go 工程师' }],
    ['/人设 第一行\n第二行', { kind: 'persona', text: '第一行\n第二行' }],
    ['/system', { kind: 'persona', text: '' }],
    ['／模型 model-b', { kind: 'model', name: 'model-b' }],
    ['/MODEL', { kind: 'model', name: '' }],
    ['/usage', { kind: 'usage' }],
    ['/用量', { kind: 'usage' }],
    ['/foo bar', { kind: 'help', unknownCommand: '/foo' }],
    ['/usr/bin/env 是什么', { kind: 'chat', text: '/usr/bin/env 是什么', images: [] }],
  ])('classifies %j', (text, intent) => {
    // Act / Assess
    expect(classifyText(text)).toEqual(intent);
  });

  it("uses DingTalk's speech recognition for voice messages", () => {
    // Act
    const voice = classifyMessage(createDingTalkMessage({ msgtype: 'audio', content: { recognition: '明天天气' } }), commands);
    const silent = classifyMessage(createDingTalkMessage({ msgtype: 'audio', content: { recognition: ' ' } }), commands);
    // Assess
    expect(voice).toEqual({ kind: 'chat', text: '明天天气', images: [] });
    expect(silent).toEqual({ kind: 'unsupported', msgtype: 'audio' });
  });

  it('takes pictures and the pictures and text of rich text as chat input', () => {
    // Prepare
    const picture = createDingTalkMessage({ msgtype: 'picture', content: { downloadCode: 'code-1', pictureDownloadCode: 'p' } });
    const rich = createDingTalkMessage({
      msgtype: 'richText',
      content: { richText: [{ text: '这张图' }, { type: 'picture', downloadCode: 'code-2' }, { text: '里有什么？' }] },
    });
    // Act / Assess
    expect(classifyMessage(picture, commands)).toEqual({ kind: 'chat', text: '', images: ['code-1'] });
    expect(classifyMessage(rich, commands)).toEqual({ kind: 'chat', text: '这张图里有什么？', images: ['code-2'] });
  });

  it.each(['file', 'video', 'unknownMsgType'])('refuses %s messages', (msgtype) => {
    // Act / Assess
    expect(classifyMessage(createDingTalkMessage({ msgtype, content: { downloadCode: 'x' } }), commands)).toEqual({ kind: 'unsupported', msgtype });
  });
});
