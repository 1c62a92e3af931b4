import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkedControlsSource } from '../../../build/controls-source';
import { loadRobots } from '../../../shared/controls/config/load-robots';

const ROOT = join(__dirname, '..', '..', '..');

describe('the build and the controls file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'controls-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('packs nothing when the project has no controls.json', () => {
    // Act / Assess
    expect(checkedControlsSource(dir, {})).toBeUndefined();
  });

  it('packs the file as written when it is right', () => {
    // Prepare
    const text = '{ "robots": { "sales": { "appKey": "k", "appSecretVariable": "SALES_APP_SECRET" } } }\n';
    writeFileSync(join(dir, 'controls.json'), text);
    // Act / Assess: the secret is the functions' business, not the build's
    expect(checkedControlsSource(dir, {})).toBe(text);
  });

  it('stops with the field named when the file is malformed', () => {
    // Prepare
    writeFileSync(join(dir, 'controls.json'), '{ "robots": { "sales": { "appSecretVariable": "SALES_APP_SECRET" } } }');
    // Act / Assess
    expect(() => checkedControlsSource(dir, {})).toThrow(/^controls\.json robots\.sales\.appKey is required.*必须设置/);
  });

  it('reads the file CONTROLS_FILE names instead, and stops when it is not there', () => {
    // Prepare
    writeFileSync(join(dir, 'prod-controls.json'), '{ "defaults": { "limit": {} } }');
    // Act / Assess
    expect(() => checkedControlsSource(dir, { CONTROLS_FILE: 'prod-controls.json' })).toThrow(/controls\.json defaults\.limit is not a field/);
    expect(() => checkedControlsSource(dir, { CONTROLS_FILE: 'missing.json' })).toThrow(/CONTROLS_FILE: missing\.json does not exist/);
  });

  it('accepts controls.example.json, the README’s complete example, with its two DingTalk robots', () => {
    // Prepare
    const text = readFileSync(join(ROOT, 'controls.example.json'), 'utf8');
    // Act
    const robots = loadRobots(text, { DINGTALK_APP_KEY: 'k', DINGTALK_APP_SECRET: 's', SALES_APP_SECRET: 'x' });
    // Assess
    expect(robots.map((robot) => [robot.name, robot.path])).toEqual([
      ['dingtalk', '/'],
      ['wechat', undefined],
      ['sales', '/dingtalk/sales'],
    ]);
    expect(robots[2]?.controls.access.admins).toEqual(['salesLead0001']);
    expect(robots[2]?.controls.limits.user).toEqual({ messagesPerMinute: 10, tokensPerDay: 100000, tokensPerMonth: 1000000 });
  });
});
