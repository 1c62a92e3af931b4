import { BotError } from '../errors';
import type { CommandSettings } from './commands';

/**
 * Everything the robot says on its own behalf, in Chinese first. The one place where an error becomes the user's
 * message: short, naming the kind of failure and what to do, never a stack trace or a provider's raw text.
 */
export function helpText(commands: CommandSettings, groupShared: boolean): string {
  const reset = commands.reset.map((name) => `「${name}」`).join(' ');
  const help = commands.help.map((name) => `「${name}」`).join(' ');
  return [
    '### 使用说明',
    '直接发消息即可与我对话；在群里请 @我。我会记住本次会话的上下文。',
    '',
    `- 开启新对话（清空记忆）：${reset}`,
    `- 查看本说明：${help}`,
    '',
    groupShared ? '本群的会话记录由所有成员共享。' : '每个人的会话记录相互独立。',
  ].join('\n');
}

export const RESET_DONE = '已开启新对话，之前的会话记录已清空。';

export const SETUP_HINT = [
  '机器人已收到消息，但还没有配置大模型。',
  '请管理员设置环境变量 OPENAI_API_KEY（可选 OPENAI_BASE_URL、OPENAI_MODEL）后重新部署。',
].join('\n');

const MSGTYPE_NAMES: Record<string, string> = {
  picture: '图片',
  richText: '图文',
  file: '文件',
  video: '视频',
  audio: '语音',
  unknownMsgType: '此类',
};

export function unsupportedText(msgtype: string): string {
  const name = MSGTYPE_NAMES[msgtype] ?? '此类';
  return `暂不支持${name}消息，请发送文字（语音消息需要钉钉能识别出文字）。`;
}

const ERROR_TEXTS: Partial<Record<BotError['code'], string>> = {
  MODEL_NOT_CONFIGURED: SETUP_HINT,
  MODEL_AUTH: '模型服务拒绝了 API Key（密钥错误或已失效），请联系管理员检查 OPENAI_API_KEY。',
  MODEL_RATE_LIMIT: '模型服务当前限流或额度不足，请稍后再试。',
  MODEL_TIMEOUT: '模型响应超时，请稍后再试，或把问题拆小一些。',
  MODEL_UNREACHABLE: '无法连接到模型服务，请联系管理员检查 OPENAI_BASE_URL 和网络。',
  MODEL_REJECTED: '模型服务拒绝了这次请求（可能是模型名称有误或对话过长），可发送「新对话」后重试。',
  MODEL_SERVER: '模型服务暂时出错，请稍后再试。',
  STORAGE_FAILED: '会话记录暂时无法读写，请稍后再试。',
  APPEND_CONFLICT: '会话记录暂时无法读写，请稍后再试。',
};

export function errorText(error: unknown): string {
  const text = error instanceof BotError ? ERROR_TEXTS[error.code] : undefined;
  return `⚠️ ${text ?? '处理消息时出错了，请稍后再试。'}`;
}
