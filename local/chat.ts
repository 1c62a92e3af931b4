import { CHAT_USAGE, parseChatArgs } from './chat/chat-args';
import { chatOverDingTalk } from './chat/dingtalk-chat';
import { localEnvironment, projectRoot } from './local-env';
import { chatOverWechat } from './wechat-chat';

/**
 * `npm run chat -- "你好"` (no text: an interactive session): sends signed callbacks to the local server exactly as
 * DingTalk would and prints what the robot sends back (chat/dingtalk-chat.ts); `--wechat` speaks to /wechat as WeChat
 * would (wechat-chat.ts). `--help` lists the flags; a mistyped flag is refused with exit code 2, like other CLIs'
 * usage errors, rather than sent to the robot as the message.
 */
async function main(): Promise<void> {
  const command = parseChatArgs(process.argv.slice(2));
  if (command.kind === 'help') {
    console.log(CHAT_USAGE);
    return;
  }
  if (command.kind === 'refused') {
    console.error(`${command.reason}\n用法见 / see: npm run chat -- --help`);
    process.exitCode = 2;
    return;
  }
  const { options } = command;
  const root = projectRoot();
  const { env } = localEnvironment(root);
  if (!options.wechat) return chatOverDingTalk(root, env, options);
  try {
    await chatOverWechat(env, options.text, { rootDir: root, user: options.user });
  } catch (error) {
    console.error(`无法连接本地服务 / cannot reach the local server: ${(error as Error).message}. 先运行 npm start`);
    process.exitCode = 1;
  }
}

void main();
