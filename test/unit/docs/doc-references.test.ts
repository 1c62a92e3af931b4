import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Comments state facts by pointing into the project's own docs: `docs/<name>.md`, `docs/<name>.md §4b, §8` (or a
 * range, `§2–§4`, whose two ends are checked), or
 * `docs/<name>.md, "A heading"`. This keeps every such pointer true: the file exists, and so do the `## §n` /
 * `### §n` heading or the quoted heading; and a bare section mark must name its file.
 */
const ROOT = join(__dirname, '..', '..', '..');
const SCANNED = ['shared', 'functions', 'local', 'build', 'bench', 'test'];

const REFERENCE = /docs\/([A-Za-z0-9_-]+)\.md((?:\s*(?:,|–)?\s*(?:and\s+)?§[0-9]+[a-z]?)*)(?:,\s*"([^"]+)")?/g;

interface Docs {
  exists(name: string): boolean;
  headings(name: string): string[];
}

/** Comment lines continued over several source lines read as one, so a reference may wrap. */
function joinComments(source: string): string {
  return source.replace(/\n[ \t]*(?:\/\/|\*(?!\/))[ \t]?/g, ' ');
}

export function brokenReferences(source: string, docs: Docs): string[] {
  const text = joinComments(source);
  const problems: string[] = [];
  const rest = text.replace(REFERENCE, (whole: string, name: string, marks: string, heading: string | undefined) => {
    if (!docs.exists(name)) {
      problems.push(`docs/${name}.md does not exist`);
      return '';
    }
    const headings = docs.headings(name);
    for (const section of marks.match(/§[0-9]+[a-z]?/g) ?? []) {
      const found = headings.some((line) => new RegExp(`^#{2,3} ${section}(?![0-9a-z])`).test(line));
      if (!found) problems.push(`docs/${name}.md has no heading ${section}`);
    }
    if (heading !== undefined && !headings.some((line) => line.includes(heading))) {
      problems.push(`docs/${name}.md has no heading "${heading}"`);
    }
    return whole.replace(/§/g, '');
  });
  for (const bare of rest.match(/.{0,40}§[0-9]+[a-z]?/g) ?? []) problems.push(`section mark without its file: …${bare.trim()}`);
  return problems;
}

function projectDocs(): Docs {
  const cache = new Map<string, string[]>();
  const path = (name: string) => join(ROOT, 'docs', `${name}.md`);
  return {
    exists: (name) => existsSync(path(name)),
    headings(name) {
      if (!cache.has(name)) cache.set(name, readFileSync(path(name), 'utf8').split('\n').filter((line) => line.startsWith('#')));
      return cache.get(name) ?? [];
    },
  };
}

function typeScriptFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : typeScriptFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('references to docs/ in the code', () => {
  const fakeDocs: Docs = {
    exists: (name) => name === 'real',
    headings: () => ['# Real', '## §4 Sending', '### §4b The OpenAPI', '## A named heading'],
  };
  const ref = (text: string) => `// see docs/${text}`;

  it('accepts an existing file, its sections (listed too) and a quoted heading', () => {
    expect(brokenReferences(ref('real.md'), fakeDocs)).toEqual([]);
    expect(brokenReferences(ref('real.md §4, §4b'), fakeDocs)).toEqual([]);
    expect(brokenReferences(ref('real.md §4–§4b'), fakeDocs)).toEqual([]);
    expect(brokenReferences(ref('real.md, "A named heading"'), fakeDocs)).toEqual([]);
    expect(brokenReferences('/**\n * Facts: docs/real.md\n * §4b.\n */', fakeDocs)).toEqual([]);
  });

  it('reports a missing file, a missing section, a missing heading and a bare section mark', () => {
    expect(brokenReferences(ref('gone.md §1'), fakeDocs)).toEqual(['docs/gone.md does not exist']);
    expect(brokenReferences(ref('real.md §4c, §5'), fakeDocs)).toEqual([
      'docs/real.md has no heading §4c',
      'docs/real.md has no heading §5',
    ]);
    expect(brokenReferences(ref('real.md §4–§5'), fakeDocs)).toEqual(['docs/real.md has no heading §5']);
    expect(brokenReferences(ref('real.md, "No such part"'), fakeDocs)).toEqual(['docs/real.md has no heading "No such part"']);
    expect(brokenReferences('// the rule (§8)', fakeDocs)).toEqual(['section mark without its file: …// the rule (§8']);
  });

  it('are all true in shared/, functions/, local/, build/, bench/ and test/', () => {
    const docs = projectDocs();
    const files = SCANNED.flatMap((dir) => typeScriptFiles(join(ROOT, dir))).filter((file) => file !== __filename);
    let references = 0;

    const problems = files.flatMap((file) => {
      const source = readFileSync(file, 'utf8');
      references += source.match(/docs\/[A-Za-z0-9_-]+\.md/g)?.length ?? 0;
      return brokenReferences(source, docs).map((problem) => `${relative(ROOT, file)}: ${problem}`);
    });

    expect(problems).toEqual([]);
    // The scan did read the code: comments cite docs/ dozens of times.
    expect(references).toBeGreaterThan(20);
  });
});
