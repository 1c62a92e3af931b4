import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Settings a newcomer does not have yet; enough to see a whole round trip without a cloud account. */
export const LOCAL_DEFAULTS: Readonly<Record<string, string>> = {
  DINGTALK_APP_KEY: 'local-app-key',
  DINGTALK_APP_SECRET: 'local-app-secret-change-me',
  OSS_BUCKET: 'local-history',
  // POST /push is off without a token; locally it is on, for the README's curl example.
  PUSH_TOKEN: 'local-push-token-change-me',
  // The WeChat channel on /wechat in plaintext mode with passive replies, for `npm run chat -- --wechat`.
  WECHAT_TOKEN: 'localWechatToken',
  WECHAT_APP_ID: 'wx0000000000000001',
  LOG_LEVEL: 'info',
};

/**
 * The environment the local functions get: the shell's, then `.env` beside package.json (Node's own loader; the
 * shell wins, as with FC where s.yaml decides), then the local defaults for anything still unset.
 */
export function localEnvironment(rootDir: string): { env: Record<string, string>; defaulted: string[] } {
  const file = join(rootDir, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined) env[name] = value;
  const defaulted: string[] = [];
  for (const [name, value] of Object.entries(LOCAL_DEFAULTS)) {
    if (!env[name]) {
      env[name] = value;
      defaulted.push(name);
    }
  }
  return { env, defaulted };
}

export const projectRoot = (): string => join(__dirname, '..', '..');
