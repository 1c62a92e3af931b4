import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historyLocation, inboundOfCallback, inboundOfWechat } from '../../../../local/chat/history-location';
import { buildTextCallback } from '../../../../local/dingtalk-callback';
import { createFileBackend } from '../../../../local/oss/file-backend';
import { createObjectStore } from '../../../../local/oss/object-store';
import { PACKED_SETTINGS_FILE } from '../../../../shared/config/settings-file';
import { conversationKey } from '../../../../shared/history/conversation-key';

describe('historyLocation', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'chat-history-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const callback = (user: string, group: boolean) =>
    inboundOfCallback(buildTextCallback({ text: 'hi', sessionWebhook: 'http://127.0.0.1:9001/', robotCode: 'k', user, group }));

  it('names the file the local OSS writes the worker’s key to', async () => {
    // Arrange
    const env = { OSS_BUCKET: 'local-history' };
    const location = historyLocation(root, env, callback('lisi', false));
    const store = createObjectStore(createFileBackend(join(root, '.data', 'oss')));
    // Act
    await store.put('local-history', location.key, { data: Buffer.from('{}\n'), contentType: 'application/x-ndjson', forbidOverwrite: false });
    // Assess
    expect(location.key).toBe(conversationKey(callback('lisi', false), { prefix: 'dingtalk-llm/history/', groupShared: false }));
    expect(location.file).toMatch(/^\.data\/oss\/local-history\/dingtalk-llm%2Fhistory%2F[0-9a-f]{32}%2F[0-9a-f]{32}\.jsonl$/);
    expect(existsSync(join(root, location.file))).toBe(true);
  });

  it('tells a member’s group history from their 1:1 one, and follows GROUP_SHARED_HISTORY and HISTORY_PREFIX', () => {
    // Act
    const direct = historyLocation(root, {}, callback('lisi', false));
    const inGroup = historyLocation(root, {}, callback('lisi', true));
    const shared = historyLocation(root, { GROUP_SHARED_HISTORY: 'true', HISTORY_PREFIX: 'team' }, callback('lisi', true));
    // Assess
    expect(inGroup.file).not.toBe(direct.file);
    expect([direct.shared, inGroup.shared]).toEqual([false, false]);
    expect(shared).toMatchObject({ shared: true, key: expect.stringMatching(/^team\/[0-9a-f]{32}\/group\.jsonl$/) });
  });

  it('reads the settings the build packed beside the worker, under the environment', () => {
    // Arrange
    mkdirSync(join(root, 'dist', 'worker'), { recursive: true });
    writeFileSync(join(root, 'dist', 'worker', PACKED_SETTINGS_FILE), JSON.stringify({ GROUP_SHARED_HISTORY: 'true' }));
    // Act
    const location = historyLocation(root, {}, callback('lisi', true));
    // Assess
    expect(location.shared).toBe(true);
  });

  it('puts a WeChat follower’s history under the wechat scope, in LOCAL_DATA_DIR when set', () => {
    // Act
    const location = historyLocation(root, { LOCAL_DATA_DIR: '/var/tmp/robot-data' }, inboundOfWechat('o-zhangsan', 'wx1'));
    // Assess
    expect(location.key).toMatch(/^dingtalk-llm\/history\/wechat\//);
    expect(location.file.startsWith('/var/tmp/robot-data/oss/local-history/')).toBe(true);
  });
});
