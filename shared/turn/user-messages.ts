import { asBotError, type ErrorCode } from '../errors';
import type { UsageSum } from '../history/records';
import { SLASH_COMMANDS, type CommandSettings } from './commands';

/**
 * Everything the robot says on its own behalf, in Chinese first. The one place where an error becomes the user's
 * message: short, naming the kind of failure and what to do, never a stack trace or a provider's raw text.
 */
const quoted = (names: readonly string[]): string => names.map((name) => `「${name}」`).join(' ');

export function helpText(commands: CommandSettings, groupShared: boolean, unknownCommand?: string): string {
  return [
    ...(unknownCommand ? [`没有「${unknownCommand}」这个命令。`, ''] : []),
    '### 使用说明',
    '直接发消息即可与我对话；在群里请 @我。我会记住本次会话的上下文，也能看懂语音（以及在模型支持时看懂图片）。',
    '',
    `- 开启新对话（清空记忆和人设）：${quoted(commands.reset)}`,
    `- 设定人设 / set a persona：${quoted(SLASH_COMMANDS.persona)} 加上描述，例如「/system 你是资深 Go 工程师」；不加内容则查看当前人设`,
    `- 切换模型 / choose a model：${quoted(SLASH_COMMANDS.model)} 加模型名；不加则列出可用模型`,
    `- 用量与剩余额度 / usage and what is left：${quoted(SLASH_COMMANDS.usage)}`,
    `- 查看本说明 / help：${quoted(commands.help)}`,
    '',
    groupShared ? '本群的会话记录由所有成员共享。' : '每个人的会话记录相互独立。',
  ].join('\n');
}

export const RESET_DONE = '已开启新对话，之前的会话记录和人设已清空。';

/** Said once, under the first answer after the conversation moved to a fresh record object. */
export function rotationNotice(reason: 'full' | 'not-appendable'): string {
  return reason === 'full'
    ? '（提示：本会话的记录已达到大小上限，已另存备份并换用新的记录文件，最近几轮对话和设置已保留。）'
    : '（提示：本会话的记录文件已无法继续写入，已另存备份并从新的记录开始；人设等设置能读到的已保留。）';
}

export const setupHint = (runsLocally: boolean): string =>
  [
    '机器人已收到消息，但还没有配置大模型。',
    runsLocally
      ? '请在 .env 中设置 OPENAI_API_KEY（可选 OPENAI_BASE_URL、OPENAI_MODEL）后重启 npm start。'
      : '请管理员设置环境变量 OPENAI_API_KEY（可选 OPENAI_BASE_URL、OPENAI_MODEL）后重新部署。',
  ].join('\n');

export const SETUP_HINT = setupHint(false);

export const PERSONA_MAX_CHARS = 2000;
export const personaSet = (persona: string): string => `已设定本会话的人设：\n\n> ${persona.replace(/\n/g, '\n> ')}`;
export const personaShown = (persona: string | undefined): string =>
  persona === undefined
    ? '本会话还没有设定人设，使用默认的系统提示词。发送「/system 你的描述」即可设定。'
    : `本会话的人设：\n\n> ${persona.replace(/\n/g, '\n> ')}\n\n发送「新对话」可清除。`;
export const PERSONA_TOO_LONG = `人设太长了，请控制在 ${PERSONA_MAX_CHARS} 字以内。`;

export function modelList(current: string, allowed: readonly string[], vision: readonly string[]): string {
  const lines = allowed.map((name) => `- ${name === current ? `**${name}**（当前）` : name}${vision.includes(name) ? ' · 支持图片' : ''}`);
  return ['可用模型（发送「/model 模型名」切换）：', '', ...lines].join('\n');
}
export const modelChosen = (name: string): string => `已切换到模型 **${name}**，本会话之后的回答都由它生成。`;
export const modelUnknown = (name: string, allowed: readonly string[]): string =>
  `没有可用的模型「${name}」。可选：${allowed.join('、')}。如需其他模型，请管理员加入 OPENAI_MODELS。`;

export function usageText(usage: UsageSum | undefined, formatTime: (ms: number) => string): string {
  if (usage === undefined || usage.turns === 0) return '本会话还没有调用过模型，用量为 0。';
  const total = usage.prompt + usage.completion;
  const lines = [
    `本会话（自 ${formatTime(usage.since)}起）共 ${usage.turns} 轮对话：`,
    '',
    `- 输入 ${usage.prompt.toLocaleString('en-US')} tokens`,
    `- 输出 ${usage.completion.toLocaleString('en-US')} tokens`,
    `- 合计 ${total.toLocaleString('en-US')} tokens`,
  ];
  if (usage.estimated) lines.push('', '部分轮次模型服务未返回用量，按字数估算。');
  return lines.join('\n');
}

/** The neutral type names channels give unsupported messages (DingTalk's msgtype names; WeChat's are mapped to them). */
const MSGTYPE_NAMES: Record<string, string> = {
  picture: '图片', richText: '图文', file: '文件', video: '视频', audio: '语音', event: '事件', location: '位置', link: '链接',
};

export function unsupportedText(msgtype: string): string {
  const name = MSGTYPE_NAMES[msgtype] ?? '此类';
  if (msgtype === 'audio') return '没能识别出这条语音的文字，请再说一次或改发文字。';
  return `暂不支持${name}消息。目前支持：文字、语音（平台识别出的文字），以及在模型支持时的图片。`;
}

export function visionUnsupportedText(model: string, visionModels: readonly string[]): string {
  const hint = visionModels.length > 0 ? `可发送「/model ${visionModels[0] ?? ''}」切换到支持图片的模型。` : '管理员尚未配置支持图片的模型（OPENAI_VISION_MODELS）。';
  return `当前模型（${model}）不能识别图片。${hint}目前可以发送文字或语音。`;
}

/**
 * The note under an answer that did not see every picture: `sent` in the message, the first `taken` of them fetched,
 * `overBudget` of those left out because together they passed `totalMaxBytes`. Undefined when nothing was left out.
 */
export function picturesSkippedNote(input: { sent: number; taken: number; overBudget: number; totalMaxBytes: number }): string | undefined {
  const { sent, taken, overBudget } = input;
  const megabytes = Math.round((input.totalMaxBytes / (1024 * 1024)) * 10) / 10;
  const sentences = [
    ...(taken < sent ? [`消息里有 ${sent} 张图片，只读取了前 ${taken} 张。`] : []),
    ...(overBudget > 0 ? [`${taken < sent ? '其中' : '有'} ${overBudget} 张因图片总大小超过 ${megabytes} MB 未读取。`] : []),
  ];
  return sentences.length === 0 ? undefined : `（注：${sentences.join('')}）`;
}

/**
 * A message that alone (with the system prompt) is over PROMPT_MAX_TOKENS: the model is not asked, since it would
 * only refuse. Token figures are estimates, rounded so they do not read as exact.
 */
export function messageTooLongText(input: { estimatedTokens: number; budget: number; pictures: number }): string {
  const round = (tokens: number): string => (Math.round(tokens / 100) * 100).toLocaleString('en-US');
  const pictures = input.pictures > 0 ? `（含 ${input.pictures} 张图片）` : '';
  return [
    `这条消息太长了${pictures}：约 ${round(input.estimatedTokens)} tokens，超过了单次对话约 ${round(input.budget)} tokens 的上限，所以没有发给模型。`,
    input.pictures > 1 ? '请精简内容、少发几张图片，或分成几条消息发送。' : '请精简内容，或分成几条消息发送。',
  ].join('\n');
}

/** A message with a sensitive word, when the robot refuses such messages: the model is not asked (docs/controls.md §4). */
export const SENSITIVE_INPUT_REFUSED = '这条消息包含不允许的内容，我不能回答。';
/** Stands in for an answer with a sensitive word, when the robot refuses such answers; a card shows it instead. */
export const SENSITIVE_OUTPUT_REFUSED = '这个回答包含不允许的内容，无法显示。请换个问题再试。';

export const CARD_FALLBACK_NOTE = '（卡片更新失败，后续内容改为普通消息发送。）';
export const CARD_PLACEHOLDER = '思考中…';
export const REASONING_TITLE = '💭 思考过程';

const TRY_AGAIN_LATER = '处理消息时出错了，请稍后再试。';
const STORAGE_TROUBLE = '会话记录暂时无法读写，请稍后再试。';

/** By code, so that a new code fails the type check until it has its text; a non-BotError counts as UNEXPECTED. */
const ERROR_TEXTS: Record<ErrorCode, string> = {
  CONFIG_INVALID: TRY_AGAIN_LATER,
  METHOD_NOT_ALLOWED: TRY_AGAIN_LATER,
  PAYLOAD_TOO_LARGE: TRY_AGAIN_LATER,
  PAYLOAD_INVALID: TRY_AGAIN_LATER,
  SIGNATURE_INVALID: TRY_AGAIN_LATER,
  SIGNATURE_REUSED: TRY_AGAIN_LATER,
  UNSUPPORTED_MEDIA_TYPE: TRY_AGAIN_LATER,
  CALLBACK_IMPLAUSIBLE: TRY_AGAIN_LATER,
  WEBHOOK_HOST_REFUSED: TRY_AGAIN_LATER,
  INVOKE_FAILED: TRY_AGAIN_LATER,
  MODEL_NOT_CONFIGURED: SETUP_HINT,
  MODEL_AUTH: '模型服务拒绝了 API Key（密钥错误或已失效），请联系管理员检查 OPENAI_API_KEY。',
  MODEL_RATE_LIMIT: '模型服务当前限流或额度不足，请稍后再试。',
  MODEL_TIMEOUT: '模型响应超时，请稍后再试，或把问题拆小一些。',
  MODEL_UNREACHABLE: '无法连接到模型服务，请联系管理员检查 OPENAI_BASE_URL 和网络。',
  MODEL_REJECTED: '模型服务拒绝了这次请求（可能是模型名称有误或对话过长），可发送「新对话」后重试。',
  MODEL_UNKNOWN: '模型服务找不到所用的模型，请管理员检查 OPENAI_MODEL（或 OPENAI_MODELS）里的模型名称。',
  MODEL_ENDPOINT_NOT_FOUND: '模型服务地址返回 404，请管理员检查 OPENAI_BASE_URL（通常是缺少结尾的 /v1）。',
  MODEL_SERVER: '模型服务暂时出错，请稍后再试。',
  STORAGE_FAILED: STORAGE_TROUBLE,
  APPEND_CONFLICT: STORAGE_TROUBLE,
  HISTORY_NOT_APPENDABLE: TRY_AGAIN_LATER,
  DINGTALK_API: TRY_AGAIN_LATER,
  DELIVERY_FAILED: TRY_AGAIN_LATER,
  MEDIA_TOO_LARGE: '图片太大了，请压缩后再发。',
  MEDIA_TOTAL_TOO_LARGE: '这条消息里的图片加起来太大了，请少发几张或压缩后再发。',
  MEDIA_UNSUPPORTED: '这张图片的格式无法识别，请发送 PNG、JPEG、GIF 或 WebP 图片。',
  MEDIA_DOWNLOAD_FAILED: '没能下载这张图片，请稍后重发。',
  ROUTE_NOT_FOUND: '处理消息时出错了，请稍后再试。',
  CHANNELS_CONFIG_MISSING: '群机器人的配置文件不存在，请管理员在 Bucket 中上传 CHANNELS_CONFIG_KEY 指向的 channels.json。',
  CHANNELS_CONFIG_INVALID: '群机器人的配置文件格式有误，请管理员按日志中的路径修正 channels.json。',
  ROBOT_UNKNOWN: '配置文件里没有这个群机器人，请管理员检查 channels.json 的 robots。',
  JOB_UNKNOWN: '配置文件里没有这个定时任务，请管理员检查 channels.json 的 jobs。',
  PUSH_UNAUTHORIZED: '推送令牌无效。',
  ROBOT_RATE_LIMITED: '群机器人发送太频繁（每分钟最多 20 条），请稍后再试。',
  ROBOT_REJECTED: '群机器人拒绝了这条消息，请管理员检查 channels.json 中的 webhook、加签密钥或关键词。',
  WECHAT_API: '微信接口暂时出错，请稍后再试。',
  UNEXPECTED: TRY_AGAIN_LATER,
};

export function errorText(error: unknown): string {
  return `⚠️ ${ERROR_TEXTS[asBotError(error).code]}`;
}
