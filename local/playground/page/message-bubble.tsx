import type { ChatItem, UserItem } from './chat-store';
import { MemberAvatar, RobotAvatar } from './avatar';
import { nickOf, useChat } from './chat-context';
import { renderMarkdown } from './markdown';
import { AtLine, MentionText, Time, withMentionNames } from './message-parts';

interface UserBubbleProps {
  item: UserItem;
  own: boolean;
  inGroup: boolean;
  selected: boolean;
  onSelect: (msgId: string) => void;
}

/** A member's message: own ones on the right in blue, others' on the left with their name (groups only). */
export function UserBubble({ item, own, inGroup, selected, onSelect }: UserBubbleProps) {
  const { members, robotName } = useChat();
  const nick = nickOf(members, item.memberId);
  const names = [...item.mentions.map((id) => nickOf(members, id)), ...(item.atRobot ? [robotName] : [])];
  const shownText = item.atRobot && !item.text.includes(`@${robotName}`) ? `@${robotName} ${item.text}` : item.text;
  return (
    <div
      class={`message ${own ? 'message-own' : 'message-other'}${selected ? ' message-selected' : ''}`}
      data-testid="message"
      data-role="user"
      data-msgid={item.msgId}
      data-selected={selected}
      title="点击查看这一轮的日志和指标"
      onClick={() => !item.pending && onSelect(item.msgId)}
    >
      <MemberAvatar id={item.memberId} nick={nick} />
      <div class="message-body">
        <div class="message-meta">
          {!own && inGroup && <span class="nick">{nick}</span>}
          <Time at={item.at} />
        </div>
        <div class="bubble bubble-user">
          {item.pictureUrl && <img class="picture" data-testid="message-picture" src={item.pictureUrl} alt="图片" />}
          {shownText && <div class="plain"><MentionText text={shownText} names={names} /></div>}
        </div>
        {item.pending && <div class="note" data-testid="message-pending">发送中…</div>}
        {item.error && <div class="note note-error" data-testid="message-error">发送失败：{item.error}</div>}
        {inGroup && !item.atRobot && (
          <div class="note" data-testid="not-delivered-note">未 @机器人，机器人不会收到这条消息</div>
        )}
      </div>
    </div>
  );
}

/** A markdown or text message from the robot, on the left with the robot's avatar and name. */
export function RobotBubble({ item }: { item: Extract<ChatItem, { kind: 'robot' }> }) {
  const { robotName, members } = useChat();
  return (
    <div class="message message-other" data-testid="message" data-role="robot" data-msgid={item.id} data-format={item.format}>
      <RobotAvatar />
      <div class="message-body">
        <div class="message-meta">
          <span class="nick">{robotName}</span>
          <span class="robot-tag">机器人</span>
          <Time at={item.at} />
        </div>
        <div class="bubble bubble-robot">
          <AtLine memberIds={item.atMemberIds} />
          {item.format === 'markdown' ? (
            <div class="markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(withMentionNames(item.text, item.atMemberIds, members)) }} />
          ) : (
            <div class="plain">{withMentionNames(item.text, item.atMemberIds, members)}</div>
          )}
        </div>
      </div>
    </div>
  );
}
