import type { ChatItem } from './chat-store';
import { RobotAvatar } from './avatar';
import { useChat } from './chat-context';
import { renderMarkdown } from './markdown';
import { AtLine, Time, withMentionNames } from './message-parts';

type CardItem = Extract<ChatItem, { kind: 'card' }>;

export type CardState = 'streaming' | 'finalized' | 'failed';

export function cardState(card: Pick<CardItem, 'finalized' | 'failed'>): CardState {
  if (card.failed) return 'failed';
  return card.finalized ? 'finalized' : 'streaming';
}

const STATE_LABELS: Record<CardState, string> = { streaming: '生成中…', finalized: '已完成', failed: '生成失败' };

/** An AI card as DingTalk draws it: a framed card under the robot's name whose markdown grows while it streams. */
export function AiCard({ item }: { item: CardItem }) {
  const { robotName, members } = useChat();
  const state = cardState(item);
  return (
    <div class="message message-other" data-testid="message" data-role="robot" data-msgid={item.outTrackId} data-format="card">
      <RobotAvatar />
      <div class="message-body message-body-card">
        <div class="message-meta">
          <span class="nick">{robotName}</span>
          <span class="robot-tag">机器人</span>
          <Time at={item.at} />
        </div>
        <div class={`card card-${state}`} data-testid="card" data-state={state} data-outtrackid={item.outTrackId}>
          <div class="card-header">
            <RobotAvatar size={20} />
            <span class="card-title">{robotName}</span>
            <span class="card-badge">AI</span>
          </div>
          <div class="card-content">
            <AtLine memberIds={item.atMemberIds} />
            {item.content ? (
              <div class="markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(withMentionNames(item.content, item.atMemberIds, members)) }} />
            ) : (
              state === 'streaming' && <div class="card-thinking">思考中…</div>
            )}
          </div>
          <div class="card-footer" data-testid="card-status">
            {state === 'streaming' && <span class="dots" aria-hidden="true"><i /><i /><i /></span>}
            {STATE_LABELS[state]}
            {state !== 'streaming' && <span class="card-ai-note">内容由 AI 生成</span>}
          </div>
        </div>
      </div>
    </div>
  );
}
