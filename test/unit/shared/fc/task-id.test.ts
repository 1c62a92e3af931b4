import { workerTaskId } from '../../../../shared/channels/dingtalk/handle-callback';
import { groupRobotTaskId } from '../../../../shared/channels/group-robot/group-robot-message';
import { wechatTaskId } from '../../../../shared/channels/wechat/wechat-route';
import { TASK_ID_PATTERN } from '../../../../shared/fc/fc-invoker';
import { fcTaskId } from '../../../../shared/fc/task-id';

/**
 * Task ids FC may already hold for messages in flight across an upgrade, as each channel computed them before they
 * shared fcTaskId: a change here lets FC run such a message twice. Never update these strings to make a test pass.
 */
describe('FC task ids', () => {
  it('keep every channel’s ids of the version before fcTaskId', () => {
    // Act
    const ids = [
      workerTaskId('dingappkey', 'msgTEST0001=='),
      wechatTaskId('wx1234567890abcdef', '7250021412600020992'),
      groupRobotTaskId({ robot: 'ops', runId: 'push:ci-123' }),
    ];
    // Assess
    expect(ids).toEqual([
      'dt_75shAwSUXkNWsb0tXQ4c9Gt6umgmkpIuaRA3iTHYvXs',
      'wx_eEyZU76M6yzvSHc7U6ZZRmzDUyAtcwXAcZVGwtxP1rQ',
      'gr_v3ZrnY8ObMA12VYcVQmP-B1tBOYR1t7J5WLc82gg13g',
    ]);
  });

  it('fits FC’s rule whatever the ids carry, and tells parts apart by their boundary', () => {
    // Act
    const id = fcTaskId('dt', 'app/key+=', 'msg:1@x==');
    // Assess
    expect(id).toMatch(TASK_ID_PATTERN);
    expect(fcTaskId('gr', 'a', 'b')).not.toBe(fcTaskId('gr', 'ab'));
    expect(fcTaskId('gr', 'a', 'b')).not.toBe(fcTaskId('wx', 'a', 'b'));
  });
});
