import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/**
 * The turn pipeline and what it is built on know channels only through the port (shared/channels/channel.ts): a
 * module there that imports a channel's folder would make every new channel an edit of the pipeline.
 */
const ROOT = resolve(__dirname, '../../..');
const NEUTRAL = ['shared/turn', 'shared/cards', 'shared/history', 'shared/worker'];

function sourcesUnder(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file imports or re-exports from, resolved against the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/g), ...text.matchAll(/\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g)];
  return specifiers.map((match) => match[1] ?? '').filter((specifier) => specifier.startsWith('.')).map((specifier) => relative(ROOT, resolve(ROOT, file, '..', specifier)));
}

describe('the channel boundary', () => {
  it('finds the modules it checks', () => {
    // Act
    const files = NEUTRAL.flatMap(sourcesUnder);
    // Assess
    expect(files).toEqual(expect.arrayContaining(['shared/turn/handle-message.ts', 'shared/cards/card-answer.ts', 'shared/worker/create-worker-handler.ts']));
    expect(importsOf('shared/turn/handle-message.ts')).toContain('shared/channels/channel');
  });

  it.each(NEUTRAL)('lets nothing in %s import a channel folder, only the port', (folder) => {
    // Act
    const offending = sourcesUnder(folder).flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith('shared/channels/') && target !== 'shared/channels/channel')
        .map((target) => `${file} → ${target}`),
    );
    // Assess
    expect(offending).toEqual([]);
  });
});
