import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Figure } from './figures';

/**
 * Each function's environment as `s deploy` would create it from s.yaml: every default, plus the long values an
 * admin typically has (a 1,000-character Chinese SYSTEM_PROMPT, three API keys, real-length ids). FC allows one
 * function 4 KB of variables (docs/platform-limits.md); the size is counted the stricter way, as the UTF-8 bytes of
 * the variables written as one JSON object. test/unit/deploy/s-yaml.test.ts holds s.yaml to it.
 */
export interface FunctionResource {
  actions?: { 'pre-deploy'?: Array<{ run: string }> };
  props: {
    functionName: string;
    cpu: number;
    memorySize: number;
    diskSize: number;
    timeout: number;
    environmentVariables: Record<string, unknown>;
  };
}

export interface SYaml {
  vars: Record<string, string>;
  resources: Record<string, FunctionResource>;
}

export const ENV_LIMIT_BYTES = 4096;

export const TYPICAL_DEPLOY_VALUES: Readonly<Record<string, string>> = {
  SYSTEM_PROMPT: '你'.repeat(1000),
  OPENAI_API_KEY: ['a', 'b', 'c'].map((k) => `sk-proj-${k.repeat(48)}`).join(','),
  DINGTALK_APP_KEY: 'dingabcdefghijklmnop',
  DINGTALK_APP_SECRET: 'x'.repeat(64),
  OSS_BUCKET: 'my-company-dingtalk-history',
  DEPLOY_ROLE_ARN: 'acs:ram::1234567890123456:role/dingtalk-llm-fc',
};

export const readSYaml = (rootDir: string): SYaml => parse(readFileSync(join(rootDir, 's.yaml'), 'utf8')) as SYaml;

/** Resolves the Serverless Devs expressions s.yaml uses; any other form throws, so nothing is silently skipped. */
export function resolveExpression(spec: SYaml, value: unknown, deployed = TYPICAL_DEPLOY_VALUES): string {
  return String(value).replace(/\$\{([^}]+)\}/g, (_, expression: string) => {
    const env = /^env\('([A-Z0-9_]+)'(?:,\s*'([^']*)')?\)$/.exec(expression);
    if (env) {
      const [, name = '', fallback] = env;
      const given = deployed[name] ?? fallback;
      if (given === undefined) throw new Error(`no value for required ${name}`);
      return given;
    }
    const variable = /^vars\.(\w+)$/.exec(expression);
    if (variable) return resolveExpression(spec, spec.vars[variable[1] ?? ''], deployed);
    const ref = /^resources\.(\w+)\.props\.functionName$/.exec(expression);
    if (ref) return resolveExpression(spec, spec.resources[ref[1] ?? '']?.props.functionName, deployed);
    throw new Error(`unknown expression \${${expression}}`);
  });
}

export function deployedEnv(spec: SYaml, resource: FunctionResource): Record<string, string> {
  const entries = Object.entries(resource.props.environmentVariables);
  return Object.fromEntries(entries.map(([key, value]) => [key, resolveExpression(spec, value)]));
}

export const envBytes = (env: Record<string, string>): number => Buffer.byteLength(JSON.stringify(env), 'utf8');

/** The deploy figures: each function's environment size against FC's 4 KB. */
export function measureDeployedEnv(rootDir: string): Figure[] {
  const spec = readSYaml(rootDir);
  return ['callback', 'worker'].map((name) => {
    const resource = spec.resources[name];
    if (resource === undefined) throw new Error(`s.yaml has no ${name}`);
    const env = deployedEnv(spec, resource);
    const bytes = envBytes(env);
    return {
      group: 'deploy',
      name: `${name} environment variables`,
      value: bytes,
      unit: 'B',
      budget: { rule: `≤ ${ENV_LIMIT_BYTES} B (FC's limit per function)`, pass: bytes <= ENV_LIMIT_BYTES },
      note: `${Object.keys(env).length} variables as one JSON object, UTF-8; every default, three API keys; SYSTEM_PROMPT (1,000 Chinese characters) goes in settings.env, not here`,
    };
  });
}
