import { createDingTalkHttp } from '../../shared/channels/dingtalk/dingtalk-http';

/**
 * dist/bench/clients/axios.js: what the DingTalk HTTP client costs a cold worker. Built with the worker's production
 * bundle options; builds the client through the product's factory and posts one markdown reply to a session webhook
 * of the fake DingTalk, as a turn's reply is posted.
 */
export async function handler(): Promise<string> {
  const http = createDingTalkHttp({ timeoutMs: 10_000 });
  const body = { msgtype: 'markdown', markdown: { title: '回答', text: '回答：你好' } };
  const response = await http.post(process.env['BENCH_WEBHOOK_URL'] ?? '', body, { validateStatus: () => true, maxRedirects: 0 });
  return (response.data as { errcode?: number }).errcode === 0 ? 'answered' : `errcode ${String((response.data as { errcode?: number }).errcode)}`;
}
