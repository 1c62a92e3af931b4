import { toInboundMessage } from '../../../../../shared/channels/dingtalk/inbound';
import { DingTalkCallbackSchema } from '../../../../../shared/channels/dingtalk/schema';
import { parseWith } from '../../../../../shared/validation/parse';
import { createDingTalkMessage } from '../../../../helpers/builders';

const parsed = (extra: Record<string, unknown>) => toInboundMessage(parseWith(DingTalkCallbackSchema, { ...createDingTalkMessage(), ...extra }));

describe('toInboundMessage: mentions', () => {
  it('passes on the staff ids of the people @-mentioned, leaving out the robot (no staff id) and the sender', () => {
    const message = parsed({
      atUsers: [{ dingtalkId: '$:LWCP_v1:$robot' }, { dingtalkId: '$:LWCP_v1:$li', staffId: 'staff-li' }, { dingtalkId: 'x', staffId: 'staff-1' }],
    });
    expect(message.mentions).toEqual(['staff-li']);
  });

  it('drops a malformed atUsers instead of refusing the message, and has no mentions without one', () => {
    expect(parsed({ atUsers: 'not a list' }).mentions).toBeUndefined();
    expect(parsed({}).mentions).toBeUndefined();
  });
});
