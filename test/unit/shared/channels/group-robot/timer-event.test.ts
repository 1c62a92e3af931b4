import { parseWebhookHosts } from '../../../../../shared/channels/dingtalk/webhook-hosts';
import { parseChannelsConfig } from '../../../../../shared/channels/group-robot/channels-config';
import { isTimerEvent, timerWorkerEvent } from '../../../../../shared/channels/group-robot/timer-event';
import { PayloadParseError, UnknownJobError } from '../../../../../shared/errors';

const config = parseChannelsConfig(
  JSON.stringify({
    robots: { team: { webhook: `https://oapi.dingtalk.com/robot/send?access_token=${'a'.repeat(64)}`, keywords: ['日报'] } },
    jobs: { 'morning-digest': { robot: 'team', prompt: '请总结今天需要关注的事项' } },
  }),
  'config/channels.json',
  parseWebhookHosts(['oapi.dingtalk.com']),
);

const timerEvent = (overrides: Record<string, unknown> = {}) =>
  Buffer.from(JSON.stringify({ triggerTime: '2026-01-05T01:00:00Z', triggerName: 'morning-digest', payload: '{"job":"morning-digest"}', ...overrides }));

describe('timer event', () => {
  it('becomes the run of the job its payload names, with a run id FC retries of the event share', () => {
    // Act
    const event = timerWorkerEvent(timerEvent(), config);
    const retried = timerWorkerEvent(timerEvent(), config);
    const nextDay = timerWorkerEvent(timerEvent({ triggerTime: '2026-01-06T01:00:00Z' }), config);
    // Assess
    expect(event).toEqual({
      channel: 'group-robot',
      deliveryId: retried.deliveryId,
      receivedAt: Date.UTC(2026, 0, 5, 1),
      message: { robot: 'team', prompt: '请总结今天需要关注的事项', runId: 'job:morning-digest@2026-01-05T01:00:00Z', source: 'job', job: 'morning-digest' },
    });
    expect(nextDay.deliveryId).not.toBe(event.deliveryId);
  });

  it('refuses a job the config does not have, naming it', () => {
    // Act
    const act = () => timerWorkerEvent(timerEvent({ payload: '{"job":"weekly"}' }), config);
    // Assess
    expect(act).toThrow(UnknownJobError);
    expect(act).toThrow('no job named "weekly" in the channels config');
  });

  it.each([
    ['no triggerTime', { triggerTime: undefined }, 'triggerTime'],
    ['a triggerTime that is not ISO', { triggerTime: 'Mon Jan 5 2026' }, 'triggerTime'],
    ['a payload that is not JSON', { payload: 'morning-digest' }, 'payload: expected the JSON {"job":"<name>"}'],
    ['a payload without a job', { payload: '{"name":"morning-digest"}' }, 'job'],
    ['a payload given as an object', { payload: { job: 'morning-digest' } }, 'payload'],
  ])('refuses an event with %s, saying what is wrong', (_, overrides, expected) => {
    // Act
    const act = () => timerWorkerEvent(timerEvent(overrides), config);
    // Assess
    expect(act).toThrow(PayloadParseError);
    expect(act).toThrow(expected);
  });

  it('tells a timer event from a channel’s worker event', () => {
    // Assess
    expect(isTimerEvent(JSON.parse(timerEvent().toString()))).toBe(true);
    expect(isTimerEvent({ channel: 'dingtalk', deliveryId: 'd', receivedAt: 1, message: {} })).toBe(false);
    expect(isTimerEvent(null)).toBe(false);
  });
});
