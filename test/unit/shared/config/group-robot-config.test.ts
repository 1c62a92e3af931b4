import { channelsConfigKey, pushToken } from '../../../../shared/config/group-robot-config';
import { ConfigError } from '../../../../shared/errors';

describe('group-robot settings', () => {
  it('reads the config key with its default, and PUSH_TOKEN as off when unset', () => {
    // Assess
    expect(channelsConfigKey({})).toBe('config/channels.json');
    expect(channelsConfigKey({ CHANNELS_CONFIG_KEY: ' bots/channels.json ' })).toBe('bots/channels.json');
    expect(pushToken({})).toBeUndefined();
    expect(pushToken({ PUSH_TOKEN: 'f'.repeat(64) })).toBe('f'.repeat(64));
  });

  it.each([
    ['CHANNELS_CONFIG_KEY', { CHANNELS_CONFIG_KEY: '/config/channels.json' }, channelsConfigKey],
    ['CHANNELS_CONFIG_KEY', { CHANNELS_CONFIG_KEY: 'bots/' }, channelsConfigKey],
    ['CHANNELS_CONFIG_KEY', { CHANNELS_CONFIG_KEY: 'a/../b.json' }, channelsConfigKey],
    ['PUSH_TOKEN', { PUSH_TOKEN: 'short' }, pushToken],
    ['PUSH_TOKEN', { PUSH_TOKEN: 'has a space in the middle!' }, pushToken],
  ])('refuses a bad %s, naming it and not its value', (variable, env, read) => {
    // Act
    const error = (() => {
      try {
        read(env);
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as Error).message).not.toContain(Object.values(env)[0]);
  });
});
