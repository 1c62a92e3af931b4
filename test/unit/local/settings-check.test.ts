import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkLocalSettings, describeStartFailure } from '../../../local/settings-check';

/** `npm start` checks the controls file the build packed, as the functions will, before it says it is ready. */
describe('npm start and the controls file', () => {
  const env = { DINGTALK_APP_KEY: 'k', DINGTALK_APP_SECRET: 's', OSS_BUCKET: 'b', SALES_APP_SECRET: 'x' };
  let root: string;
  const pack = (controls: unknown) => {
    for (const name of ['callback', 'worker']) {
      mkdirSync(join(root, 'dist', name), { recursive: true });
      writeFileSync(join(root, 'dist', name, 'controls.json'), JSON.stringify(controls));
    }
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'local-controls-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('starts without one, with the env robot alone', () => {
    // Act / Assess
    expect(checkLocalSettings(root, env).robots).toEqual([]);
  });

  it('lists the robots of a packed file with their paths', () => {
    // Prepare
    pack({ robots: { sales: { appKey: 'ding-sales', appSecretVariable: 'SALES_APP_SECRET' } } });
    // Act / Assess
    expect(checkLocalSettings(root, env).robots).toEqual([{ name: 'sales', path: '/dingtalk/sales' }]);
  });

  it('refuses a malformed one in one line that names the field and says to edit controls.json', () => {
    // Prepare
    pack({ robots: { sales: { appKey: 'ding-sales', appSecretVar: 'SALES_APP_SECRET' } } });
    // Act
    let line = '';
    try {
      checkLocalSettings(root, env);
    } catch (error) {
      line = describeStartFailure(error, undefined);
    }
    // Assess
    expect(line).toMatch(/^控制文件有误 \/ invalid controls\.json: controls\.json robots\.sales\.appSecretVar 不是控制文件中的设置项.*请修改 controls\.json 后重新运行 npm start。$/);
  });
});

describe('npm start and LOCAL_DEMO_MODEL', () => {
  const env = { DINGTALK_APP_KEY: 'k', DINGTALK_APP_SECRET: 's', OSS_BUCKET: 'b' };
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'local-demo-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('uses the demo model only when asked to', () => {
    // Act / Assess
    expect(checkLocalSettings(root, env).demoModel).toBe(false);
    expect(checkLocalSettings(root, { ...env, LOCAL_DEMO_MODEL: 'true' }).demoModel).toBe(true);
  });

  it('refuses a value other than true or false in one line that names the variable', () => {
    // Act
    let line = '';
    try {
      checkLocalSettings(root, { ...env, LOCAL_DEMO_MODEL: 'demo' });
    } catch (error) {
      line = describeStartFailure(error, undefined);
    }
    // Assess
    expect(line).toBe('设置有误 / invalid setting: LOCAL_DEMO_MODEL 应为 true 或 false (must be true or false)。请修改 .env 或 settings.env 后重新运行 npm start。');
  });
});
