import { ConfigError } from '../errors';

/**
 * How both entry files start: load the settings, then wire the function; when a setting is malformed, wire the
 * stand-in that tells the user which one instead of throwing at load (FC would fail and retry every invocation in
 * silence). Anything but a ConfigError is a bug and still throws.
 */
export function wireWithSettings<Config, Handler, Fallback>(
  load: () => Config,
  wire: (config: Config) => Handler,
  misconfigured: (error: ConfigError) => Fallback,
): Handler | Fallback {
  let config: Config;
  try {
    config = load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return misconfigured(error);
  }
  return wire(config);
}
