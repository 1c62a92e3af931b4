import { createInterface } from 'node:readline/promises';
import { buildTextCallback, chatReceiverPort, signedHeaders } from '../dingtalk-callback';
import type { ChatOptions } from './chat-args';
import { historyLine, promptOf } from './chat-texts';
import { historyLocation, inboundOfCallback } from './history-location';
import { startReplyReceiver, type ReplyReceiver } from './reply-receiver';
import { createThinkingIndicator } from './thinking';

/** An answer may come in several parts: after the first, the answer is over once no part came for this long. */
const QUIET_MS = 1500;

/**
 * Speaks to the local server as DingTalk would: a signed callback per message, with a session webhook that points
 * at a receiver here (LOCAL_CHAT_PORT, which the local stack lets webhooks reach), printing what the robot sends back
 * and then where the conversation's history is kept.
 */
export async function chatOverDingTalk(rootDir: string, env: Record<string, string>, options: ChatOptions): Promise<void> {
  const target = env['CHAT_TARGET_URL'] ?? `http://127.0.0.1:${env['LOCAL_PORT'] ?? 9000}/`;
  const port = chatReceiverPort(env);
  let receiver: ReplyReceiver;
  try {
    receiver = await startReplyReceiver(port);
  } catch (error) {
    console.error(`无法监听回复端口 / cannot listen on 127.0.0.1:${port} (LOCAL_CHAT_PORT): ${(error as Error).message}`);
    process.exitCode = 1;
    return;
  }
  const thinking = createThinkingIndicator(process.stderr);
  const timeoutMs = Number(env['WORKER_TIMEOUT_SECONDS'] ?? 120) * 1000;

  const ask = async (text: string): Promise<void> => {
    const body = buildTextCallback({ text, sessionWebhook: receiver.webhook, robotCode: env['DINGTALK_APP_KEY'] ?? '', group: options.group, user: options.user });
    const response = await fetch(target, { method: 'POST', headers: signedHeaders(env['DINGTALK_APP_SECRET'] ?? ''), body: JSON.stringify(body) });
    if (response.status !== 200) {
      console.log(`回调被拒绝 / callback refused: HTTP ${response.status} ${await response.text()}`);
      return;
    }
    thinking.start();
    let parts = 0;
    for (let reply = await receiver.next(timeoutMs); reply !== undefined; reply = await receiver.next(QUIET_MS)) {
      thinking.stop();
      parts += 1;
      console.log(`\n🤖 ${reply}\n`);
    }
    thinking.stop();
    if (parts === 0) console.log('（超时：没有收到回复 / no reply before the worker timeout）');
    // Another target is not this machine's local OSS: its files are not here to point at.
    else if (env['CHAT_TARGET_URL'] === undefined) console.log(historyLine(historyLocation(rootDir, env, inboundOfCallback(body)), options));
  };

  try {
    if (options.text !== '' || options.atOnly) await ask(options.text);
    else {
      const readline = createInterface({ input: process.stdin, output: process.stdout });
      console.log(`对话已连接 ${target}（输入「新对话」清空记忆，Ctrl+D 退出）/ connected (新对话 resets the memory, Ctrl+D quits)`);
      readline.setPrompt(promptOf(options));
      readline.prompt();
      for await (const line of readline) {
        if (line.trim()) await ask(line.trim());
        readline.prompt();
      }
    }
  } catch (error) {
    thinking.stop();
    console.error(`无法连接本地服务 / cannot reach ${target}: ${(error as Error).message}. 先运行 npm start`);
    process.exitCode = 1;
  } finally {
    receiver.close();
  }
}
