/** What the WeChat channel says on its own behalf, in Chinese (the turn pipeline's texts are in shared/turn/). */
export const CONTINUE_WORD = '继续';

export const STILL_GENERATING = `回答还在生成，请稍后发送“${CONTINUE_WORD}”查看。`;

export const NOTHING_MORE = '这条回答已经全部发完了，可以直接继续提问。';

/** Appended to a passive-mode part that has a next one; its bytes are reserved when the answer is cut. */
export const moreHint = (part: number, parts: number): string => `\n\n（第 ${part}/${parts} 段，发送“${CONTINUE_WORD}”查看下一段）`;
export const MORE_HINT_MAX_BYTES = Buffer.byteLength(moreHint(99, 99), 'utf8');

/** Under the fifth customer-service message, when the answer needed more: WeChat allows five per user message. */
export const CUT_SHORT = '\n\n（回答过长，其余内容已省略。可以请我分几次回答。）';

export const welcomeText = (helpCommand: string): string =>
  ['感谢关注！我是 AI 助手，直接发消息就可以和我对话，也可以发语音。', `发送「${helpCommand}」查看使用说明。`].join('\n');

/** A 继续 with nothing waiting is a normal message; these are the forms that count as the command. */
export const isContinue = (text: string | undefined): boolean =>
  text !== undefined && text.replace(/[\s。.!！~～…]+/g, '') === CONTINUE_WORD;
