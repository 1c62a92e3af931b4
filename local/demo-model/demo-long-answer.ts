import { type DemoConversation, quote } from './demo-conversation';

const LONG_QUOTE_CHARS = 200;

/**
 * The long demo answer (about 3,000 characters): headings, lists, a fenced code block, a table and a quote, so one
 * answer shows how a card continues past its size limit and how a long markdown answer is split, and how each
 * markdown element renders. Its subject is the robot itself, so a newcomer learns something while watching.
 */
export function longAnswer(conversation: DemoConversation): string {
  return [...opening(conversation), ...journey(), ...streaming(), ...groups(), ...code(), ...failures(), ...closing(conversation)].join('\n');
}

function opening({ turn, last, previous, pictures }: DemoConversation): string[] {
  return [
    '## 详细回答：一条消息的旅程',
    '',
    `这是我们对话的**第 ${turn} 轮**，你要的是一个长回答，那我就详细讲讲：你发出的这条消息，从钉钉到模型再回到你面前，一路经过了哪些地方。` +
      (previous === undefined ? '这是对话的第一条消息，所以还没有更早的记录可以引用。' : `顺便一提，上一轮你说的是「${quote(previous, 60)}」，这说明历史记录已经随这次请求一起发给了模型。`) +
      (pictures > 0 ? `这条消息里有 ${pictures} 张图片，我都收到了：它们先由 worker 从钉钉下载，再以 data URL 的形式交给模型。` : ''),
    '',
    '> 你的原话：' + quote(last, LONG_QUOTE_CHARS),
    '',
  ];
}

function journey(): string[] {
  return [
    '### 一、消息经过的环节',
    '',
    '1. **钉钉回调**：你在钉钉里发消息后，钉钉把它签名后以 HTTP 请求发给 callback 函数。callback 先验签，确认请求确实来自钉钉，再检查消息是否重复，整个过程很快，因为钉钉只等几秒钟。',
    '2. **异步调用**：callback 不等模型回答，而是把消息交给 worker 函数异步处理，然后立刻回复钉钉“收到了”。这样即使模型要想很久，钉钉那边也不会超时重发。',
    '3. **读取历史**：worker 从 OSS 里读出这个会话的历史记录，按时间顺序挑出还在同一个会话里的几轮对话，旧的轮次在预算不够时先被舍弃，新消息总是完整保留。',
    '4. **调用模型**：worker 把系统提示、历史和新消息一起发给兼容 OpenAI 的模型服务，并请求流式返回。模型每吐出一小段文字，worker 就能看到一小段。',
    '5. **更新卡片**：有 AI 卡片模板时，worker 按一定节奏把已经收到的文字写进卡片，所以你会看到卡片一点点变长；没有模板时，就等回答完整后发一条 markdown 消息。',
    '6. **记录结果**：回答发出后，worker 把这一轮的问题和回答追加到 OSS 的历史记录里，下一轮对话就能“记得”这一轮说过什么。',
    '',
    '这六步都有时间限制：函数计算给 worker 的时间是有限的，worker 会先留出发送回复和写入记录所需的时间，剩下的才交给模型（最多 `OPENAI_TIMEOUT_MS`）。模型在这段时间里没有答完，用户会收到一句“模型响应超时”，而不是什么也收不到。',
    '',
  ];
}

function streaming(): string[] {
  return [
    '### 二、卡片为什么会一点点变长',
    '',
    '流式回答的好处是：你不必等模型把整段话想完，就能先读到开头。但卡片也不能每收到一个字就更新一次，否则钉钉的接口会被调用得太频繁。所以 worker 的做法是：',
    '',
    '- 两次更新之间至少间隔一段时间（`CARD_UPDATE_INTERVAL_MS`）；',
    '- 每次更新至少要多出一定数量的文字（`CARD_UPDATE_MIN_CHARS`）；',
    '- 一张卡片放不下时（`CARD_MAX_CHARS`），剩下的内容接着写进下一张卡片；',
    '- 回答结束时，最后一次更新总会把完整的文字写进去，并把卡片标记为完成。',
    '',
    '没有卡片的时候，长回答会按 markdown 的结构拆成几条消息发送：尽量在段落、列表或代码块之间断开，而不是把一个代码块或一张表格切成两半。这段回答故意写得很长，就是为了让你亲眼看到这两种情况。',
    '',
  ];
}

function groups(): string[] {
  return [
    '### 三、群聊里有什么不同',
    '',
    '在群里，钉钉只把 @ 了机器人的消息交给它，所以机器人听不到群里其他的闲聊。除此之外还有几点不同：',
    '',
    '- **谁在说话**：回复会 @ 提问的人，这样在热闹的群里也能看出是在回答谁；',
    '- **各记各的**：默认情况下，每位成员和机器人的对话分开记录，张三问过的事，李四来问时机器人并不知道；',
    '- **共享记忆**：把 `GROUP_SHARED_HISTORY` 设为 `true` 后，全群共用一份历史，每条消息前会带上说话人的名字，模型就能分清谁说了什么；',
    '- **一视同仁**：群里发图片、发长问题、让它“详细”讲讲，和单聊里完全一样。',
    '',
    '如果你现在就在群里读到这段话，可以换一位成员再 @ 机器人问一句，看看它还记不记得刚才的轮数。',
    '',
  ];
}

function code(): string[] {
  return [
    '### 四、自己调用演示模型',
    '',
    '演示模型说的是 OpenAI 的接口协议，所以官方的 `openai` 客户端可以直接连上它。下面这段代码会把回答一段一段地打印出来：',
    '',
    '```ts',
    "import OpenAI from 'openai';",
    '',
    "const client = new OpenAI({ apiKey: 'local-demo-key', baseURL: 'http://127.0.0.1:<端口>/v1' });",
    'const stream = await client.chat.completions.create({',
    "  model: 'demo',",
    '  stream: true,',
    "  messages: [{ role: 'user', content: '请详细介绍一下你自己' }],",
    '});',
    'for await (const chunk of stream) {',
    "  process.stdout.write(chunk.choices[0]?.delta?.content ?? '');",
    '}',
    '```',
    '',
    '同样的请求总会得到同样的回答，因为演示模型只根据请求的内容来组织文字，不用随机数，也不看时钟。',
    '',
  ];
}

function failures(): string[] {
  return [
    '### 五、可以演练的故障',
    '',
    '在调试页面上，可以让演示模型故意出错，看看机器人会怎样告诉用户：',
    '',
    '| 演练的故障 | 模型服务的反应 | 用户看到的提示 |',
    '| --- | --- | --- |',
    '| `none` | 正常回答 | 就是这样的回答 |',
    '| `wrong-key` | HTTP 401，密钥错误 | 模型服务拒绝了 API Key |',
    '| `down` | HTTP 503，服务过载 | 模型服务暂时出错，请稍后再试 |',
    '| `timeout` | 接受请求但一直不回答 | 模型响应超时 |',
    '',
    '遇到 503 这类临时故障时，机器人会先等一小会儿再试一次，只有第二次也失败才告诉用户；密钥被拒绝时，如果配置了多个密钥，它会换下一个密钥再试。',
    '',
    '这些提示都来自机器人自己的错误处理：它把模型服务的各种失败归为几类，每一类对应一句用户能看懂的话，而密钥、签名这类秘密永远不会出现在提示或日志里。',
    '',
  ];
}

function closing({ turn }: DemoConversation): string[] {
  return [
    '### 六、小结',
    '',
    '- 记忆：历史记录存在 OSS 里，每一轮都会随请求发给模型；',
    '- 流式：回答一边生成一边写进卡片；',
    '- 拆分：超长的回答会接续到下一张卡片，或拆成几条消息；',
    '- 群聊：只回答 @ 它的消息，并 @ 回提问的人；',
    `- 本轮：这是第 ${turn} 轮，再发一条消息，轮数就会加一。`,
    '',
    '我是本地演示模型 `demo`，没有真正的智能，只会按固定的规则组织文字；想和真正的模型对话，在 `.env` 里填上 `OPENAI_API_KEY` 就可以了。',
  ];
}
