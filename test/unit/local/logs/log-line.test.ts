import { parseLogLine, readableLogLine, type LogEvent } from '../../../../local/logs/log-line';

const ZONE = { timeZone: 'Asia/Shanghai' };
const line = (fields: Record<string, unknown>): string =>
  JSON.stringify({ level: 'info', timestamp: '2026-12-02T10:03:04.123Z', service: 'dingtalk-worker', message: 'answered', ...fields });
const readable = (fields: Record<string, unknown>): string => readableLogLine(parseLogLine(line(fields)) as LogEvent, ZONE);

describe('parseLogLine', () => {
  it('takes the logger’s fields apart: time, level, service, message, ids, and the rest', () => {
    // Act
    const event = parseLogLine(line({ request_id: 'req-1', msgId: 'msg1', function_name: 'w', intent: 'chat', tokens: { in: 3 } }));
    // Assess
    expect(event).toEqual({
      time: Date.parse('2026-12-02T10:03:04.123Z'),
      level: 'info',
      service: 'dingtalk-worker',
      message: 'answered',
      requestId: 'req-1',
      msgId: 'msg1',
      fields: { function_name: 'w', intent: 'chat', tokens: { in: 3 } },
    });
  });

  it.each([
    ['a plain line', 'FC Invoke Start RequestId: 1'],
    ['a stack frame', '    at main (index.js:1:2)'],
    ['broken JSON', '{"level":"info",'],
    ['JSON that is not a log line', '{"errcode":0}'],
    ['a log line with a bad timestamp', line({ timestamp: 'yesterday' })],
    ['an empty line', ''],
  ])('returns nothing for %s', (_, text) => {
    // Act / Assess
    expect(parseLogLine(text)).toBeUndefined();
  });
});

describe('readableLogLine', () => {
  it('prints local time with its zone, level, short service, message, fields and the msgId’s tail', () => {
    // Act
    const text = readable({ msgId: 'msg0123456789a1b2c3', function_name: 'dingtalk-llm-worker', intent: 'chat', outcome: 'turn', via: 'card' });
    // Assess
    expect(text).toBe('18:03:04.123 UTC+8 INFO  worker   answered  intent=chat outcome=turn via=card  msg=…a1b2c3');
  });

  it('strips the dingtalk-llm- prefix of a service too, and shows the request id when there is no msgId', () => {
    // Act
    const text = readableLogLine({ time: Date.parse('2026-12-02T10:03:04.123Z'), level: 'warn', service: 'dingtalk-llm-callback', message: 'refused', requestId: 'c0ffee-42-beef', fields: {} }, { timeZone: 'UTC' });
    // Assess
    expect(text).toBe('10:03:04.123 UTC WARN  callback refused  req=…2-beef');
  });

  it('shows other long ids by their tail too', () => {
    // Act
    const text = readable({ deliveryId: '8e5ff133-443b-4df5-982e-efc23188909a', worker_request_id: '1-6b0fefca-d0b27f72d2984387cba6d2ff', part: 1 });
    // Assess
    expect(text).toContain('deliveryId=…88909a worker_request_id=…a6d2ff');
    expect(text).toContain('part=1');
  });

  it('quotes strings only when they hold spaces, and shows objects as compact JSON', () => {
    // Act
    const text = readable({ model: 'gpt-4o-mini', title: '本地 测试群', empty: '', n: 3, ok: false, none: null, usage: { prompt: 10, completion: 5 }, list: [1, 2] });
    // Assess
    expect(text).toContain('model=gpt-4o-mini title="本地 测试群" empty="" n=3 ok=false none=null usage={"prompt":10,"completion":5} list=[1,2]');
  });

  it('shows an error last as CODE: message, with its first stack frame and its cause', () => {
    // Arrange
    const error = {
      name: 'TypeError',
      message: 'x is not a function',
      stack: ['at turn (shared/turn/run-turn.ts:40:7)', 'at run (shared/turn/index.ts:9:3)'],
      cause: { name: 'BotError', code: 'MODEL_TIMEOUT', status: 504, message: 'no answer' },
    };
    // Act
    const text = readable({ level: 'error', error, attempt: 2 });
    // Assess
    expect(text).toBe(
      '18:03:04.123 UTC+8 ERROR worker   answered  attempt=2 error=TypeError: x is not a function at turn (shared/turn/run-turn.ts:40:7) ← MODEL_TIMEOUT (HTTP 504): no answer',
    );
  });

  it('stays one line whatever the values hold, and cuts very long values with …', () => {
    // Act
    const text = readable({ message: 'line one\nline two', reply: 'a\nb', escape: '\u001b[2Jgone', long: 'x'.repeat(1000), error: { code: 'E', message: 'multi\nline' } });
    // Assess
    expect(text).not.toMatch(/[\n\r\u001b]/);
    expect(text).toContain('line one\\nline two');
    expect(text).toContain(`long=${'x'.repeat(159)}…`);
    expect(text).toContain('error=E: multi\\nline');
  });

  it('leaves URLs and what the logger masked as they are, unquoted', () => {
    // Act
    const text = readable({ sessionWebhook: '[REDACTED]', url: 'https://oapi.dingtalk.com/robot/sendBySession?session=[REDACTED]' });
    // Assess
    expect(text).toContain('sessionWebhook=[REDACTED] url=https://oapi.dingtalk.com/robot/sendBySession?session=[REDACTED]');
  });
});
