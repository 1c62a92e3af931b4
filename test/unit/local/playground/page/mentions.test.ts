import { draftOf, insertMention, ROBOT_MENTION } from '../../../../../local/playground/page/mentions';

const robot = { id: ROBOT_MENTION, label: '小钉助手' };
const lisi = { id: 'lisi', label: '李四' };

describe('composer mentions', () => {
  it('sends the robot\'s @ as atRobot, without it in the text, and members as mentions', () => {
    expect(draftOf('@小钉助手 帮 @李四 查一下', [robot, lisi])).toEqual({ text: '帮 @李四 查一下', mentions: ['lisi'], atRobot: true });
  });

  it('drops a mention whose name was deleted from the text', () => {
    expect(draftOf('查一下', [robot, lisi])).toEqual({ text: '查一下', mentions: [], atRobot: false });
  });

  it('an empty @ of the robot is an empty text with atRobot', () => {
    expect(draftOf('@小钉助手 ', [robot])).toEqual({ text: '', mentions: [], atRobot: true });
  });

  it('turns a just-typed @ into the chosen name, or inserts it at the caret', () => {
    expect(insertMention('你好@', 3, lisi)).toEqual({ text: '你好@李四 ', caret: 6 });
    expect(insertMention('你好', 0, lisi)).toEqual({ text: '@李四 你好', caret: 4 });
  });
});
