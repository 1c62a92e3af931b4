import { parseArgs } from 'node:util';

/** What `npm run chat` was asked to do. */
export interface ChatOptions {
  /** The message; '' for an interactive session (or for --at-only, which sends no text). */
  text: string;
  wechat: boolean;
  group: boolean;
  /** The member who speaks (a staff id); `local-user` unless --as. */
  user: string;
  /** Send an @-mention of the robot with nothing else: the robot answers with its help, as in DingTalk. */
  atOnly: boolean;
}

export type ChatCommand = { kind: 'run'; options: ChatOptions } | { kind: 'help' } | { kind: 'refused'; reason: string };

export const DEFAULT_MEMBER = 'local-user';

export const CHAT_USAGE = `用法 / usage: npm run chat -- [选项 options] [消息 message]

  不带消息：交互模式（输入「新对话」清空记忆，Ctrl+D 退出）
  without a message: an interactive session (新对话 resets the memory, Ctrl+D quits)

  --group          在群里 @机器人 / an @-mention of the robot in the group
  --as <成员>      以另一个成员的身份发言（staff id，昵称同 id）；在群里多个成员共用同一个群会话
                   speak as another member (a staff id, also the nick); in the group, members share its conversation
  --at-only        在群里只 @机器人、不带文字（隐含 --group），机器人回复帮助
                   an empty @-mention in the group (implies --group): the robot answers with its help
  --wechat         像微信公众号一样发消息 / speak to /wechat as a WeChat Official Account would
  -h, --help       显示本说明 / show this help

  消息以 - 开头时放在 -- 之后 / a message starting with - goes after --:  npm run chat -- -- "-1 是什么"

例 / examples:
  npm run chat -- "你好"
  npm run chat -- --group --as lisi "大家好"
  npm run chat -- --at-only`;

/** A staff id as DingTalk issues them: letters, digits and a few separators (also a safe file and URL part). */
const MEMBER_ID = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;

/**
 * The command line, strictly: a mistyped flag is refused (exit 2), never sent to the robot as the message.
 */
export function parseChatArgs(argv: readonly string[]): ChatCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        group: { type: 'boolean' },
        wechat: { type: 'boolean' },
        as: { type: 'string' },
        'at-only': { type: 'boolean' },
      },
    });
  } catch (error) {
    return { kind: 'refused', reason: refusalOf(error) };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  const text = positionals.join(' ').trim();
  const atOnly = values['at-only'] === true;
  const wechat = values.wechat === true;
  const user = values.as ?? DEFAULT_MEMBER;
  if (!MEMBER_ID.test(user)) return { kind: 'refused', reason: `--as 需要成员的 staff id（字母、数字、_.-@）/ --as takes a member's staff id (letters, digits, _.-@): ${JSON.stringify(user)}` };
  if (atOnly && text !== '') return { kind: 'refused', reason: '--at-only 不发送文字，请去掉消息 / --at-only sends no text: leave the message out' };
  if (wechat && (atOnly || values.group === true)) return { kind: 'refused', reason: '微信公众号没有群聊 / --wechat has no group: drop --group and --at-only' };
  return { kind: 'run', options: { text, wechat, group: atOnly || values.group === true, user, atOnly } };
}

function refusalOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  const option = /'([^' ]+)/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `未知选项 / unknown option: ${option}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return `选项的值有误 / bad value for ${option}: ${message}`;
  return message;
}
