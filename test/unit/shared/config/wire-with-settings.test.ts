import { wireWithSettings } from '../../../../shared/config/wire-with-settings';
import { ConfigError } from '../../../../shared/errors';

describe('wireWithSettings', () => {
  it('wires the function with the loaded settings', () => {
    // Act / Assess
    expect(wireWithSettings(() => 41, (config) => config + 1, () => 'fallback')).toBe(42);
  });

  it('wires the stand-in with the ConfigError when a setting is malformed', () => {
    // Prepare
    const broken = new ConfigError('LOG_LEVEL', { en: 'must be one of …', zh: '应为…' });
    // Act
    const wired = wireWithSettings(() => { throw broken; }, () => 'function', (error) => error.variable);
    // Assess
    expect(wired).toBe('LOG_LEVEL');
  });

  it('still throws what is not a setting problem (a bug must not pass for a bad setting)', () => {
    // Act / Assess
    expect(() => wireWithSettings(() => { throw new TypeError('bug'); }, () => 'function', () => 'fallback')).toThrow(TypeError);
  });
});
