import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { LazyFormData } from '../../../../shared/http/lazy-form-data';

/**
 * What the function bundles have for `FormData` (build/fetch-globals.ts): `instanceof` answers as Node's class does
 * without loading undici for a value that is no form data, and `new` builds Node's own.
 */
describe('LazyFormData', () => {
  it('answers instanceof as Node’s FormData does', () => {
    // Prepare
    const values: unknown[] = [{ model: 'qwen-plus', messages: [] }, '{}', null, undefined, new URLSearchParams('a=1'), new Uint8Array(1), { [Symbol.toStringTag]: 'FormData' }, new FormData()];
    // Act
    const light = values.map((value) => value instanceof LazyFormData);
    // Assess
    expect(light).toEqual(values.map((value) => value instanceof FormData));
    expect(light.at(-1)).toBe(true);
  });

  it('builds Node’s own FormData', () => {
    // Act
    const form = new LazyFormData() as unknown as FormData;
    form.append('a', '1');
    // Assess
    expect(form).toBeInstanceOf(FormData);
    expect(form instanceof LazyFormData).toBe(true);
    expect([...form.entries()]).toEqual([['a', '1']]);
  });

  it('does not load undici to say that a request body is no form data', () => {
    // Act: a fresh process, as a cold instance
    const source = join(__dirname, '..', '..', '..', '..', 'shared', 'http', 'lazy-form-data.ts');
    const script =
      `const { buildSync } = require('esbuild');` +
      `const out = buildSync({ entryPoints: [${JSON.stringify(source)}], bundle: true, write: false, platform: 'node', format: 'cjs' });` +
      `const m = { exports: {} }; new Function('module', 'exports', out.outputFiles[0].text)(m, m.exports);` +
      `const answer = { model: 'x' } instanceof m.exports.LazyFormData;` +
      `process.stdout.write(JSON.stringify([answer, process.moduleLoadList.filter((name) => name.includes('undici'))]))`;
    const printed = execFileSync(process.execPath, ['-e', script], { cwd: join(__dirname, '..', '..', '..', '..') }).toString('utf8');
    // Assess
    expect(JSON.parse(printed)).toEqual([false, []]);
  });
});
