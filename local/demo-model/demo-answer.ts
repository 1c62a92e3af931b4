import { type DemoConversation, quote, readConversation } from './demo-conversation';
import { longAnswer } from './demo-long-answer';
import type { DemoMessage } from './demo-request';

/**
 * The demo model's answer: Chinese markdown that shows the robot's memory and context at work (which turn this is,
 * what the user just said and said before, how many pictures arrived). A pure function of the messages, no
 * randomness and no clock, so the same conversation always gets the same answer and tests can rely on it.
 * A message that asks for something long gets a long answer, long enough to fill more than one AI card and to be
 * split into several messages without cards.
 */
export function demoAnswer(messages: readonly DemoMessage[]): string {
  const conversation = readConversation(messages);
  return conversation.long ? longAnswer(conversation) : shortAnswer(conversation);
}

const SHORT_QUOTE_CHARS = 40;

function shortAnswer(conversation: DemoConversation): string {
  const { turn, last, previous, pictures } = conversation;
  const memory =
    previous === undefined
      ? '这是对话的第一条消息，还没有更早的记录。'
      : `上一轮你说的是「${quote(previous, SHORT_QUOTE_CHARS)}」，可见历史记录随请求一起发来了。`;
  const picture = pictures > 0 ? `我收到了 ${pictures} 张图片。` : '';
  return [
    `这是我们对话的**第 ${turn} 轮**。你刚才说：「${quote(last, SHORT_QUOTE_CHARS)}」。${memory}${picture}`,
    '',
    `- 轮数：第 ${turn} 轮，按对话里用户消息的条数计`,
    `- 记忆：${previous === undefined ? '刚开始' : '记得上一轮'}`,
    `- 图片：${pictures > 0 ? `${pictures} 张` : '没有'}`,
    '- 长回答：发一条含「长」或「详细」的消息试试',
    '',
    '我是本地演示模型 `demo`，不连接任何真实的模型服务，同样的对话总会得到同样的回答。',
  ].join('\n');
}
