import { useState } from 'preact/hooks';
import type { WechatSendResult } from '../playground-api';
import { api } from './api';
import { MemberAvatar } from './avatar';
import { nickOf, useChat } from './chat-context';
import { Time } from './message-parts';

interface Exchange {
  id: number;
  text: string;
  at: number;
  result?: WechatSendResult;
  error?: string;
}

/** The WeChat Official Account chat: a follower's text goes to the OA endpoint; the passive reply shows as WeChat would. */
export function WechatView({ memberId }: { memberId: string }) {
  const { members } = useChat();
  const [exchanges, setExchanges] = useState<Exchange[]>([]);
  const [text, setText] = useState('');
  const update = (id: number, change: Partial<Exchange>) =>
    setExchanges((list) => list.map((exchange) => (exchange.id === id ? { ...exchange, ...change } : exchange)));

  const send = () => {
    const trimmed = text.trim();
    if (!trimmed) return;
    const id = Date.now();
    setExchanges((list) => [...list, { id, text: trimmed, at: id }]);
    setText('');
    api.wechat({ memberId, text: trimmed }).then(
      (result) => update(id, { result }),
      (failure: unknown) => update(id, { error: failure instanceof Error ? failure.message : String(failure) }),
    );
  };

  return (
    <section class="chat wechat" data-testid="wechat-view">
      <header class="chat-header wechat-header"><span class="chat-title">微信公众号</span></header>
      <div class="messages wechat-messages">
        {exchanges.map((exchange) => (
          <div key={exchange.id} class="wechat-exchange" data-testid="wechat-exchange">
            <div class="wechat-row wechat-own">
              <div class="wechat-bubble wechat-bubble-own" data-testid="wechat-own">{exchange.text}</div>
              <MemberAvatar id={memberId} nick={nickOf(members, memberId)} />
            </div>
            <Reply exchange={exchange} />
          </div>
        ))}
      </div>
      <div class="composer wechat-composer">
        <textarea
          data-testid="wechat-input"
          placeholder="以微信用户身份发送（最多 2000 字）"
          maxLength={2000}
          value={text}
          onInput={(event) => setText(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
            event.preventDefault();
            send();
          }}
        />
        <div class="composer-footer">
          <span class="hint">Enter 发送</span>
          <button type="button" class="send wechat-send" data-testid="wechat-send" onClick={send}>发送</button>
        </div>
      </div>
    </section>
  );
}

function Reply({ exchange }: { exchange: Exchange }) {
  const { result, error } = exchange;
  return (
    <>
      {!result && !error && <div class="note wechat-note">等待公众号回复…</div>}
      {error && <div class="note note-error">发送失败：{error}</div>}
      {result?.seen !== undefined && (
        <div class="wechat-row">
          <span class="avatar avatar-wechat" aria-hidden="true">公</span>
          <div class="wechat-bubble" data-testid="wechat-reply">{result.seen}</div>
        </div>
      )}
      {result && result.seen === undefined && <div class="note wechat-note" data-testid="wechat-no-reply">用户没有收到回复</div>}
      {result?.rejected && <div class="note note-error" data-testid="wechat-rejected">微信不会显示：{result.rejected}</div>}
      {result && (
        <div class="wechat-attempts" data-testid="wechat-attempts">
          <Time at={exchange.at} />
          {result.attempts.map((line, index) => <div key={index}>{line}</div>)}
        </div>
      )}
    </>
  );
}
