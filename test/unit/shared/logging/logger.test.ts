import { createLogger } from '../../../../shared/logging/logger';
import { captureLog } from '../../../helpers/builders';

describe('logger', () => {
  it('writes one JSON line per event with the bound request keys', () => {
    // Prepare
    const log = captureLog();
    const logger = createLogger({ service: 'svc', write: log.write, now: () => new Date(0) }).child({ request_id: 'r1' });
    // Act
    logger.child({ msgId: 'm1' }).info('answered', { parts: 2 });
    // Assess
    expect(log.entries()).toEqual([
      { level: 'info', timestamp: '1970-01-01T00:00:00.000Z', service: 'svc', message: 'answered', request_id: 'r1', msgId: 'm1', parts: 2 },
    ]);
  });

  it('never writes secrets: configured values, secret-named fields, session tokens in URLs', () => {
    // Prepare
    const log = captureLog();
    const logger = createLogger({ service: 'svc', write: log.write, secrets: ['sk-supersecretkey'] });
    // Act
    logger.error('failed', {
      error: new Error('401 for key sk-supersecretkey'),
      sign: 'c2lnbmF0dXJl',
      appSecret: 'app-secret-value',
      headers: { authorization: 'Bearer abc', 'x-acs-dingtalk-access-token': 'tok' },
      url: 'https://oapi.dingtalk.com/robot/sendBySession?session=abcdef123',
      usage: { totalTokens: 12 },
      signature: 'sig-value-1',
      'x-oss-signature': 'sig-value-2',
      // Names a kind of admission, not a secret.
      signature_pair: 'redelivery',
    });
    // Assess
    const line = log.lines.join('');
    for (const secret of ['sk-supersecretkey', 'c2lnbmF0dXJl', 'app-secret-value', 'Bearer abc', 'abcdef123', '"tok"', 'sig-value-1', 'sig-value-2']) {
      expect(line).not.toContain(secret);
    }
    expect(line).toContain('"totalTokens":12');
    expect(line).toContain('"signature_pair":"redelivery"');
  });

  it('masks secrets a child logger is given later, and only on that child and its children', () => {
    // Prepare
    const log = captureLog();
    const root = createLogger({ service: 'svc', write: log.write, secrets: ['sk-supersecretkey'] });
    const robots = root.child({ channel: 'group-robot' }, { secrets: ['SECrobotsigningsecret'] });
    // Act
    robots.child({ part: 1 }).warn('failed with SECrobotsigningsecret and sk-supersecretkey');
    root.info('unrelated SECrobotsigningsecret');
    // Assess
    const [robotLine = '', rootLine = ''] = log.lines;
    expect(robotLine).not.toContain('SECrobotsigningsecret');
    expect(robotLine).not.toContain('sk-supersecretkey');
    expect(rootLine).toContain('SECrobotsigningsecret');
  });

  it('drops lines below the configured level', () => {
    // Prepare
    const log = captureLog();
    // Act
    createLogger({ service: 'svc', write: log.write, level: 'warn' }).info('hidden');
    // Assess
    expect(log.lines).toHaveLength(0);
  });
});
