import { formatMarkdown, formatReadmeTable, formatTable, README_END, README_START, replaceReadmeTable } from '../../../bench/report';
import { againstFloor, type Figure } from '../../../bench/figures';

const machine = { os: 'linux 6', cpuModel: 'Test CPU', cpuCount: 2, node: 'v20.0.0' };
const cold = againstFloor({ group: 'cold process', name: 'worker cold process', value: 150, unit: 'ms', budget: { rule: '≤ bare node + 120 ms', pass: true } }, { value: 40, what: 'bare node' });
const overhead = againstFloor({ group: 'worker', name: 'worker overhead per turn, median', value: 6, unit: 'ms', budget: { rule: 'median ≤ 2× floor median', pass: false } }, { value: 2, what: 'replayed requests' });
const size: Figure = { group: 'cold process', name: 'callback bundle size', value: 35.2, unit: 'KiB' };

describe('the bench report', () => {
  it('gives a figure against its floor both as a ratio and as a difference', () => {
    // Assess
    expect(cold).toMatchObject({ ratio: 3.75, difference: 110 });
    expect(overhead).toMatchObject({ ratio: 3, difference: 4 });
  });

  it('puts ratios and differences in columns of their own, each headed by what it holds', () => {
    // Act
    const [header = '', , coldRow = '', overheadRow = ''] = formatTable([cold, overhead]).split('\n');
    // Assess
    expect(header).toMatch(/value ÷ floor\s+value − floor/);
    expect(header).not.toMatch(/\bratio\b/);
    expect(coldRow).toMatch(/3\.75×\s+\+110 ms\s+PASS/);
    expect(overheadRow).toMatch(/3×\s+\+4 ms\s+FAIL/);
  });

  it('shows in the README the comparison each budget goes by, with the run it comes from', () => {
    // Act
    const table = formatReadmeTable([cold, overhead, size], '2026-12-01T00:00:00.000Z', machine, 90);
    // Assess
    expect(table).toContain('2026-12-01T00:00:00.000Z, linux 6, 2 × Test CPU, Node v20.0.0');
    expect(table).toContain('| worker cold process | 150 ms | 40 ms | 3.75× | +110 ms | ✅ ≤ bare node + 120 ms |');
    expect(table).toContain('| worker overhead per turn, median | 6 ms | 2 ms | 3× | +4 ms | ❌ median ≤ 2× floor median |');
    expect(table).toContain('| callback bundle size | 35.2 KiB |  |  |  |  |');
  });

  it('rewrites only the part of the README between the bench markers', () => {
    // Prepare
    const readme = `# Title\n\nbefore\n${README_START}\nold table\n${README_END}\nafter\n`;
    // Act
    const updated = replaceReadmeTable(replaceReadmeTable(readme, 'first'), 'new table');
    // Assess
    expect(updated).toBe(`# Title\n\nbefore\n${README_START}\nnew table\n${README_END}\nafter\n`);
  });

  it('refuses a README without the markers rather than appending somewhere', () => {
    // Assess
    expect(() => replaceReadmeTable('# no markers\n', 'table')).toThrow(/bench:start/);
    expect(() => replaceReadmeTable(`${README_END}\n${README_START}\n`, 'table')).toThrow(/bench:start/);
  });

  it('escapes pipes in the markdown results so a note cannot break the table', () => {
    // Prepare
    const piped: Figure = { ...size, note: 'a | b' };
    // Act
    const markdown = formatMarkdown([piped], 'date', machine, 1);
    // Assess
    expect(markdown).toContain('a \\| b');
  });
});
