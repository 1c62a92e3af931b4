import type { PlaygroundConversation, PlaygroundMember } from '../playground-api';
import type { ComponentChildren } from 'preact';
import { GroupAvatar, MemberAvatar, RobotAvatar } from './avatar';

/** The page's id of the WeChat Official Account chat (not a DingTalk conversation). */
export const WECHAT_CONVERSATION = 'wechat';

interface ConversationListProps {
  robotName: string;
  members: PlaygroundMember[];
  memberId: string;
  conversations: PlaygroundConversation[];
  selectedId: string;
  wechat: boolean;
  /** The last line of each chat, for the preview under its title. */
  previews: Record<string, string>;
  onMember: (memberId: string) => void;
  onSelect: (conversationId: string) => void;
}

/** The left column: who the page is acting as, and the chats that member has with the robot. */
export function ConversationList(props: ConversationListProps) {
  const { members, memberId, conversations, selectedId, previews } = props;
  const current = members.find((member) => member.id === memberId);
  // A member sees their own 1:1 chat with the robot and the groups they are in, as in DingTalk.
  const visible = conversations.filter((conversation) =>
    conversation.kind === 'single' ? conversation.id === `dm-${memberId}` : conversation.memberIds.includes(memberId),
  );
  return (
    <nav class="conversation-list">
      <div class="identity">
        {current && <MemberAvatar id={current.id} nick={current.nick} size={32} />}
        <label class="identity-label">
          当前身份
          <select data-testid="member-select" value={memberId} onChange={(event) => props.onMember(event.currentTarget.value)}>
            {members.map((member) => (
              <option key={member.id} value={member.id}>{member.nick}{member.admin ? '（管理员）' : ''}</option>
            ))}
          </select>
        </label>
      </div>
      <div class="list-title">消息</div>
      <ul>
        {visible.map((conversation) => (
          <Entry
            key={conversation.id}
            id={conversation.id}
            title={conversation.kind === 'single' ? props.robotName : conversation.title}
            badge={conversation.kind === 'single' ? '机器人' : `${conversation.memberIds.length}人`}
            avatar={conversation.kind === 'single' ? <RobotAvatar /> : <GroupAvatar title={conversation.title} />}
            preview={previews[conversation.id] ?? ''}
            selected={conversation.id === selectedId}
            onSelect={props.onSelect}
          />
        ))}
        {props.wechat && (
          <Entry
            id={WECHAT_CONVERSATION}
            title="微信公众号"
            badge="微信"
            avatar={<span class="avatar avatar-wechat" aria-hidden="true">微</span>}
            preview={previews[WECHAT_CONVERSATION] ?? ''}
            selected={selectedId === WECHAT_CONVERSATION}
            onSelect={props.onSelect}
          />
        )}
      </ul>
    </nav>
  );
}

interface EntryProps {
  id: string;
  title: string;
  badge: string;
  avatar: ComponentChildren;
  preview: string;
  selected: boolean;
  onSelect: (id: string) => void;
}

function Entry({ id, title, badge, avatar, preview, selected, onSelect }: EntryProps) {
  return (
    <li>
      <button type="button" class={`conversation${selected ? ' selected' : ''}`} data-testid={`conversation-${id}`} aria-current={selected} onClick={() => onSelect(id)}>
        {avatar}
        <span class="conversation-text">
          <span class="conversation-title">{title}<span class="tag">{badge}</span></span>
          <span class="conversation-preview">{preview}</span>
        </span>
      </button>
    </li>
  );
}
