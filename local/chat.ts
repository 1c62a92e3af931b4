import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline/promises';
import { buildTextCallback, chatReceiverPort, signedHeaders } from './dingtalk-callback';
import { localEnvironment, projectRoot } from './local-env';
import { chatOverWechat } from './wechat-chat';

/**
 * `npm run chat -- "你好"` (or no text for an interactive session; `--group` to speak as an @-mention in a group):
 * sends a signed callback to the local server exactly as DingTalk would, with a session webhook that points at a
 * receiver here, and prints what the robot sends back. `--wechat` speaks to /wechat as WeChat would (wechat-chat.ts).
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const group = args.includes('--group');
  const text = args.filter((arg) => !arg.startsWith('--')).join(' ').trim();
  const { env } = localEnvironment(projectRoot());
  if (args.includes('--wechat')) {
    try {
      await chatOverWechat(env, text);
    } catch (error) {
      console.error(`无法连接本地服务 / cannot reach the local server: ${(error as Error).message}. 先运行 npm start`);
      process.exitCode = 1;
    }
    return;
  }
  const target = env['CHAT_TARGET_URL'] ?? `http://127.0.0.1:${env['LOCAL_PORT'] ?? 9000}/`;
  const replies: string[] = [];
  let notify: (() => void) | undefined;
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { markdown?: { text?: string }; text?: { content?: string } };
      replies.push(body.markdown?.text ?? body.text?.content ?? '');
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
      notify?.();
    });
  });
  // A fixed port (LOCAL_CHAT_PORT, 9001 by default): the local stack lets session webhooks point at it and nowhere else.
  const port = chatReceiverPort(env);
  try {
    await new Promise<void>((resolve, reject) => receiver.once('error', reject).listen(port, '127.0.0.1', resolve));
  } catch (error) {
    console.error(`无法监听回复端口 / cannot listen on 127.0.0.1:${port} (LOCAL_CHAT_PORT): ${(error as Error).message}`);
    process.exitCode = 1;
    return;
  }
  const webhook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/robot/sendBySession?session=${randomUUID()}`;

  const ask = async (question: string): Promise<void> => {
    const before = replies.length;
    const body = buildTextCallback({ text: question, sessionWebhook: webhook, robotCode: env['DINGTALK_APP_KEY'] ?? '', group });
    const response = await fetch(target, { method: 'POST', headers: signedHeaders(env['DINGTALK_APP_SECRET'] ?? ''), body: JSON.stringify(body) });
    if (response.status !== 200) {
      console.log(`回调被拒绝 / callback refused: HTTP ${response.status} ${await response.text()}`);
      return;
    }
    // Answers may come in several parts: print them as they arrive, stop after a quiet second.
    const deadline = Date.now() + Number(env['WORKER_TIMEOUT_SECONDS'] ?? 120) * 1000;
    let printed = before;
    while (Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        notify = resolve;
        setTimeout(resolve, printed > before ? 1500 : 250);
      });
      if (replies.length === printed && printed > before) break;
      for (; printed < replies.length; printed += 1) console.log(`\n🤖 ${replies[printed]}\n`);
    }
    if (printed === before) console.log('（超时：没有收到回复 / no reply before the worker timeout）');
  };

  try {
    if (text) {
      await ask(text);
    } else {
      const readline = createInterface({ input: process.stdin, output: process.stdout });
      console.log(`对话已连接 ${target}（输入「新对话」清空记忆，Ctrl+D 退出）`);
      for await (const line of readline) if (line.trim()) await ask(line.trim());
    }
  } catch (error) {
    console.error(`无法连接本地服务 / cannot reach ${target}: ${(error as Error).message}. 先运行 npm start`);
    process.exitCode = 1;
  } finally {
    receiver.close();
  }
}

void main();
