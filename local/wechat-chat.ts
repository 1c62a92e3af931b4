import { createInterface } from 'node:readline/promises';
import { historyLine, promptOf } from './chat/chat-texts';
import { historyLocation, inboundOfWechat } from './chat/history-location';
import { attemptText, localWechatPlatform } from './wechat-platform';

/**
 * `npm run chat -- --wechat "你好"`: the local server's /wechat spoken to exactly as WeChat would (signed, sealed in
 * safe mode, each request dropped after WeChat's wait and sent again, three in all), printing what the user sees
 * after each request. Passive replies only: in customer-service mode the answer goes to WECHAT_API_BASE instead.
 * `user` (--as) speaks as another follower: the openid `o-<user>`, with its own history.
 */
export async function chatOverWechat(env: Record<string, string>, text: string, who: { rootDir: string; user: string }): Promise<void> {
  const openId = `o-${who.user}`;
  const target = `${(env['CHAT_TARGET_URL'] ?? `http://127.0.0.1:${env['LOCAL_PORT'] ?? 9000}/`).replace(/\/+$/, '')}/wechat`;
  const platform = localWechatPlatform(env, target, 'gh_local_account', (request, outcome) => console.log(`（${attemptText(request, outcome)}）`));
  const ask = async (question: string): Promise<void> => {
    const delivery = await platform.send(openId, { type: 'text', content: question });
    if (delivery.rejected) console.log(`（微信拒绝了这个回复 / WeChat rejected the reply: ${delivery.rejected}）`);
    console.log(delivery.seen === undefined ? '\n（用户没有收到回复 / the user sees no reply）\n' : `\n🤖 ${delivery.seen}\n`);
    if (delivery.seen !== undefined && env['CHAT_TARGET_URL'] === undefined) {
      console.log(historyLine(historyLocation(who.rootDir, env, inboundOfWechat(openId, env['WECHAT_APP_ID'] ?? '')), { group: false, user: who.user, wechat: true }));
    }
  };
  if (env['WECHAT_CUSTOMER_SERVICE'] === 'true') console.log('（客服消息模式：回答经客服接口发到 WECHAT_API_BASE，这里看不到 / customer-service mode: answers go to WECHAT_API_BASE）');
  if (text) return ask(text);
  const readline = createInterface({ input: process.stdin, output: process.stdout });
  console.log(`微信对话已连接 ${target}（输入「继续」查看长回答的下一段，「新对话」清空记忆，Ctrl+D 退出）/ connected (继续 shows the next part, 新对话 resets, Ctrl+D quits)`);
  readline.setPrompt(promptOf({ group: false, user: who.user }));
  readline.prompt();
  for await (const line of readline) {
    if (line.trim()) await ask(line.trim());
    readline.prompt();
  }
}
