import { useEffect, useRef } from 'preact/hooks';
import type { PlaygroundConversation } from '../playground-api';
import { AiCard } from './ai-card';
import { useChat } from './chat-context';
import type { ChatItem } from './chat-store';
import { Composer } from './composer';
import { ROBOT_MENTION, type Draft, type MentionOption } from './mentions';
import { RobotBubble, UserBubble } from './message-bubble';

interface ChatViewProps {
  conversation: PlaygroundConversation;
  memberId: string;
  items: ChatItem[];
  selectedTurn: string | undefined;
  onSelectTurn: (msgId: string) => void;
  onSend: (draft: Draft & { picture?: string }) => void;
}

/** The middle column: one DingTalk chat, its messages and AI cards in arrival order, and the composer. */
export function ChatView({ conversation, memberId, items, selectedTurn, onSelectTurn, onSend }: ChatViewProps) {
  const { robotName, members } = useChat();
  const inGroup = conversation.kind === 'group';
  const list = useRef<HTMLDivElement>(null);
  const last = items[items.length - 1];
  const lastKey = last ? `${items.length}:${last.kind === 'card' ? last.content.length : ''}` : '';
  useEffect(() => {
    list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [lastKey, conversation.id]);

  const mentionOptions: MentionOption[] = inGroup
    ? [
        { id: ROBOT_MENTION, label: robotName },
        ...members.filter((member) => member.id !== memberId && conversation.memberIds.includes(member.id)).map((member) => ({ id: member.id, label: member.nick })),
      ]
    : [];
  // The reset command reaches the robot in a group only when it @-s the robot, as any message there.
  const reset = () => onSend({ text: '新对话', mentions: [], atRobot: inGroup });

  return (
    <section class="chat" data-testid="chat" data-conversation={conversation.id}>
      <header class="chat-header">
        <div>
          <span class="chat-title" data-testid="chat-title">{inGroup ? conversation.title : robotName}</span>
          {inGroup && <span class="chat-subtitle">（{conversation.memberIds.length}）</span>}
        </div>
        <button type="button" class="reset" data-testid="reset-button" title="发送「新对话」：机器人忘记之前的对话" onClick={reset}>
          新对话
        </button>
      </header>
      <div class="messages" ref={list} data-testid="messages">
        {items.length === 0 && <div class="empty">{inGroup ? `在群里 @${robotName} 提问` : `向 ${robotName} 发送消息开始对话`}</div>}
        {items.map((item) => {
          if (item.kind === 'robot') return <RobotBubble key={item.id} item={item} />;
          if (item.kind === 'card') return <AiCard key={item.outTrackId} item={item} />;
          return (
            <UserBubble
              key={item.msgId}
              item={item}
              own={item.memberId === memberId}
              inGroup={inGroup}
              selected={item.msgId === selectedTurn}
              onSelect={onSelectTurn}
            />
          );
        })}
      </div>
      <Composer
        key={conversation.id}
        mentionOptions={mentionOptions}
        placeholder={inGroup ? `发送给 ${conversation.title}，输入 @ 提及机器人或成员` : `发送给 ${robotName}`}
        onSend={onSend}
      />
    </section>
  );
}
