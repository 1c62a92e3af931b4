import { outTrackIdFor } from '../../../../../shared/cards/card-answer';
import type { InboundMessage } from '../../../../../shared/channels/channel';
import { toInboundMessage } from '../../../../../shared/channels/dingtalk/inbound';
import { archiveKeyOf, claimAccountOf, conversationKey } from '../../../../../shared/history/conversation-key';
import { createMessageClaims } from '../../../../../shared/history/message-claims';
import { createMemoryAppendLog } from '../../../../../shared/storage/memory/memory-append-log';
import { createDingTalkMessage } from '../../../../helpers/builders';

/**
 * The keys of objects already in OSS and of cards already in chats, for the builders' DingTalk message, as the
 * version before channels computed them. A change here strands every stored history and claim: never update these
 * strings to make a test pass.
 */
const claims = createMessageClaims({ log: createMemoryAppendLog().log, prefix: 'messages/' });
const oneToOne = { prefix: 'h/', groupShared: false };
const shared = { prefix: 'h/', groupShared: true };
const claimKeyOf = (message: InboundMessage): string => claims.keyOf(claimAccountOf(message), message.id);

describe('DingTalk object keys', () => {
  it('keep the conversation keys of the version before channels', () => {
    // Prepare
    const staff = toInboundMessage(createDingTalkMessage());
    const noStaffId = toInboundMessage(createDingTalkMessage({ senderStaffId: undefined }));
    const group = toInboundMessage(createDingTalkMessage({ conversationType: '2' }));
    // Act
    const keys = [conversationKey(staff, oneToOne), conversationKey(noStaffId, oneToOne), conversationKey(group, shared), conversationKey(group, oneToOne)];
    // Assess
    expect(keys).toEqual([
      'h/0760c4699734ff1ab98734f44c02de2b/f7e742afab57a0fb37aadba915bce01e.jsonl',
      'h/0760c4699734ff1ab98734f44c02de2b/f3187b9049be4e3e2f1642c63a749c00.jsonl',
      'h/0760c4699734ff1ab98734f44c02de2b/group.jsonl',
      'h/0760c4699734ff1ab98734f44c02de2b/f7e742afab57a0fb37aadba915bce01e.jsonl',
    ]);
  });

  it('keep the claim keys and card outTrackIds of the version before channels, with and without a robotCode', () => {
    // Prepare
    const withRobot = toInboundMessage(createDingTalkMessage());
    const withoutRobot = toInboundMessage(createDingTalkMessage({ robotCode: undefined }));
    // Act
    const keys = [claimKeyOf(withRobot), claimKeyOf(withoutRobot), outTrackIdFor(withRobot), outTrackIdFor(withoutRobot)];
    // Assess
    expect(keys).toEqual([
      'messages/39a1a8774aafe0042b25a29579640e213de66511',
      'messages/7b4d6b5e54b20825821b53a0cc26f2e5ec2f2331',
      'dtllm-39a1a8774aafe0042b25a29579640e21',
      'dtllm-7b4d6b5e54b20825821b53a0cc26f2e5',
    ]);
  });

  it('give another channel with the very same ids keys of its own, under its name', () => {
    // Prepare
    const dingtalk = toInboundMessage(createDingTalkMessage());
    const wechat: InboundMessage = { ...dingtalk, channel: 'wechat' };
    // Act
    const conversation = conversationKey(wechat, oneToOne);
    // Assess
    expect(conversation).toBe(`h/wechat/${conversationKey(dingtalk, oneToOne).slice('h/'.length)}`);
    expect(archiveKeyOf(conversation, 'h/', 5)).toMatch(/^h\/archive\/wechat\//);
    expect(claimKeyOf(wechat)).not.toBe(claimKeyOf(dingtalk));
    expect(outTrackIdFor(wechat)).not.toBe(outTrackIdFor(dingtalk));
  });
});
