import type { PlaygroundConversation, PlaygroundMember } from './playground-api';

/**
 * The simulated company of the playground: three members and a group, fixed so that a newcomer, the tests and the
 * screenshots all see the same chats. Each member has a 1:1 chat with the robot; the group holds all three.
 * DingTalk ids are made up in DingTalk's shapes (docs/dingtalk.md §1): `cid…==` conversation ids, staff ids.
 */
export const PLAYGROUND_MEMBERS: readonly Omit<PlaygroundMember, 'admin'>[] = [
  { id: 'zhangsan', nick: '张三' },
  { id: 'lisi', nick: '李四' },
  { id: 'wangwu', nick: '王五' },
];

export const GROUP_ID = 'group-dev';
const GROUP_TITLE = '研发群';
const GROUP_CONVERSATION = 'cidPlaygroundDevGroup==';

/** The chats the page lists: every member's 1:1 chat, then the group. */
export function playgroundConversations(): PlaygroundConversation[] {
  return [
    ...PLAYGROUND_MEMBERS.map((member): PlaygroundConversation => ({ id: `dm-${member.id}`, kind: 'single', title: '机器人', memberIds: [member.id] })),
    { id: GROUP_ID, kind: 'group', title: GROUP_TITLE, memberIds: PLAYGROUND_MEMBERS.map((member) => member.id) },
  ];
}

export const memberById = (id: string): Omit<PlaygroundMember, 'admin'> | undefined => PLAYGROUND_MEMBERS.find((member) => member.id === id);

/** What the callback carries for a chat: DingTalk's conversation id, type and title. */
export interface DingTalkChat {
  conversationId: string;
  group: boolean;
  title?: string;
}

/** The DingTalk side of a page chat, for the member who speaks in it; undefined when the member is not in it. */
export function dingTalkChatOf(conversationId: string, memberId: string): DingTalkChat | undefined {
  if (memberById(memberId) === undefined) return undefined;
  if (conversationId === GROUP_ID) return { conversationId: GROUP_CONVERSATION, group: true, title: GROUP_TITLE };
  return conversationId === `dm-${memberId}` ? { conversationId: `cidPlayground-${memberId}==`, group: false } : undefined;
}

/**
 * Which page chat a delivery to the stand-in belongs to: a session webhook names the session the playground made for
 * the chat (`<conversationId>~<random>`), batchSend names 1:1 recipients, a group send and a group card name the
 * group's conversation, a 1:1 card names the member's staff id (docs/dingtalk.md §4, §5).
 */
export function pageChatOfDelivery(delivery: { session?: string; userIds?: string[]; conversationId?: string; openSpaceId?: string }): string | undefined {
  if (delivery.session !== undefined) return delivery.session.split('~')[0];
  if (delivery.conversationId === GROUP_CONVERSATION) return GROUP_ID;
  const staffId = delivery.userIds?.[0] ?? /^dtv1\.card\/\/IM_ROBOT\.(.+)$/.exec(delivery.openSpaceId ?? '')?.[1];
  if (staffId !== undefined) return memberById(staffId) ? `dm-${staffId}` : undefined;
  return delivery.openSpaceId?.startsWith(`dtv1.card//IM_GROUP.${GROUP_CONVERSATION}`) ? GROUP_ID : undefined;
}
