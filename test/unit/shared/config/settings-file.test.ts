import { integer, optionalNumber, requiredString } from '../../../../shared/config/env';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKED_SETTINGS_FILE, readSettingsFile, withSettingsFile } from '../../../../shared/config/settings-file';
import { parseSettingsSource } from '../../../../build/settings-source';
import { settingsFileProblem } from '../../../../shared/config/settings-registry';
import { loadWorkerConfig } from '../../../../shared/config/worker-config';
import { ConfigError } from '../../../../shared/errors';

const minimal = { DINGTALK_APP_KEY: 'key', DINGTALK_APP_SECRET: 'secret', OSS_BUCKET: 'b', OSS_REGION: 'cn-hangzhou' };

describe('settings', () => {
  describe('errors', () => {
    it.each([
      ['OPENAI_TEMPERATURE', () => optionalNumber({ OPENAI_TEMPERATURE: 'sk-looks-like-a-key' }, 'OPENAI_TEMPERATURE', { min: 0, max: 2 })],
      ['HISTORY_TAIL_BYTES', () => integer({ HISTORY_TAIL_BYTES: 'sk-looks-like-a-key' }, 'HISTORY_TAIL_BYTES', 1, { min: 0, max: 9 })],
    ])('name %s and what it expects, in English and Chinese, never the value', (variable, read) => {
      // Act
      let caught: unknown;
      try {
        read();
      } catch (error) {
        caught = error;
      }
      // Assess
      expect(caught).toBeInstanceOf(ConfigError);
      const error = caught as ConfigError;
      expect(error.variable).toBe(variable);
      expect(error.message).toContain(variable);
      expect(error.expectation.zh).toMatch(/之间的/);
      expect(JSON.stringify({ message: error.message, expectation: error.expectation })).not.toContain('sk-looks');
    });

    it('say a required setting is required', () => {
      // Act / Assess
      expect(() => requiredString({}, 'OSS_BUCKET')).toThrow(expect.objectContaining({ variable: 'OSS_BUCKET', expectation: { en: 'is required', zh: '必须设置' } }));
    });
  });

  describe('settings.env', () => {
    it('gives the worker a multi-line prompt and lists from the file', () => {
      // Prepare
      const file = 'SYSTEM_PROMPT="你是团队助手。\n先给结论。"\nOPENAI_MODELS=a,b\n';
      // Act
      const config = loadWorkerConfig(withSettingsFile({ ...minimal, OPENAI_MODEL: 'a' }, parseSettingsSource(file)));
      // Assess
      expect(config.systemPrompt).toBe('你是团队助手。\n先给结论。');
      expect(config.models.allowed).toEqual(['a', 'b']);
    });

    it('lets a non-empty environment variable win over the file, and an empty one fall back to it', () => {
      // Act
      const env = withSettingsFile({ SYSTEM_PROMPT: 'from env', OPENAI_MODELS: '' }, { SYSTEM_PROMPT: 'from file', OPENAI_MODELS: 'x' });
      // Assess
      expect(env['SYSTEM_PROMPT']).toBe('from env');
      expect(env['OPENAI_MODELS']).toBe('x');
    });

    it.each([
      ['OPENAI_API_KEY', /secret/],
      ['DINGTALK_APP_SECRET', /secret/],
      ['SYSTEM_PROMT', /not a setting/],
      ['DEPLOY_REGION', /s deploy or npm start/],
    ])('is refused by the build when it holds %s', (name, problem) => {
      // Act / Assess
      expect(settingsFileProblem(name)).toMatch(problem);
    });

    it('stops the build with every problem named when it holds a secret or an unknown key', () => {
      // Act / Assess
      expect(() => parseSettingsSource('OPENAI_API_KEY=sk-x\nSYSTEM_PROMT=typo\n')).toThrow(/OPENAI_API_KEY is a secret.*SYSTEM_PROMT is not a setting/);
    });

    it('is read back beside the bundle as the build packed it, and absent when there is none', () => {
      // Prepare
      const dir = mkdtempSync(join(tmpdir(), 'settings-'));
      try {
        const empty = readSettingsFile(dir);
        writeFileSync(join(dir, PACKED_SETTINGS_FILE), JSON.stringify(parseSettingsSource('SYSTEM_PROMPT="一\n二"\n')));
        // Act
        const packed = readSettingsFile(dir);
        // Assess
        expect(empty).toBeUndefined();
        expect(packed).toEqual({ SYSTEM_PROMPT: '一\n二' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('accepts the settings that are meant for it', () => {
      // Act / Assess
      expect(['SYSTEM_PROMPT', 'OPENAI_MODELS', 'HISTORY_MAX_TOKENS'].map(settingsFileProblem)).toEqual([undefined, undefined, undefined]);
    });
  });

  describe('OSS_REGION', () => {
    it('follows the function region FC sets when it is empty', () => {
      // Act
      const config = loadWorkerConfig({ ...minimal, OSS_REGION: '', FC_REGION: 'cn-shanghai' });
      // Assess
      expect(config.oss.region).toBe('cn-shanghai');
    });

    it('wins over the function region when set', () => {
      // Act / Assess
      expect(loadWorkerConfig({ ...minimal, FC_REGION: 'cn-shanghai' }).oss.region).toBe('cn-hangzhou');
    });

    it('is named when neither is there', () => {
      // Act / Assess
      expect(() => loadWorkerConfig({ ...minimal, OSS_REGION: undefined })).toThrow(/OSS_REGION/);
    });
  });
});
