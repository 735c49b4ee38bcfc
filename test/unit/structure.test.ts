import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

// House rules (issue 19, item 9): no import cycles between the modules of src/ and webview/, and no source file
// over MAX_LINES lines (small files with one job). Imports are read from the text: every relative `import`
// (type-only ones included: a cycle of types still ties two modules together) and `export … from`.
const ROOTS = ['src', 'webview'];
const MAX_LINES = 450;
const SOURCE = /\.(ts|tsx|mts|cts)$/;
const RESOLVE_SUFFIXES = ['', '.ts', '.tsx', '.d.ts', '/index.ts', '/index.tsx'];

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(p);
    return SOURCE.test(e.name) ? [p] : [];
  });
}

/** The module specifiers a source imports or re-exports from (comments ignored). */
export function importSpecifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  const specs: string[] = [];
  // `import x from '…'`, `import type { … } from '…'`, `export { … } from '…'`, `export * from '…'`, `import '…'`
  const statement =
    /(?:^|[;\n}])\s*(?:import|export)\b([^;'"]*?)\bfrom\s*['"]([^'"]+)['"]|(?:^|[;\n])\s*import\s*['"]([^'"]+)['"]/g;
  for (const m of code.matchAll(statement)) specs.push(m[2] ?? m[3]);
  return specs;
}

/** The file a relative specifier names, or undefined for a package or a non-source file (CSS). */
function resolve(from: string, spec: string, files: Set<string>): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.join(path.dirname(from), spec);
  return RESOLVE_SUFFIXES.map((s) => base + s).find((p) => files.has(p));
}

/** Every import cycle, each as the files along it (first file repeated at the end). */
export function findCycles(graph: Map<string, string[]>): string[][] {
  // Tarjan's strongly connected components; a component of two or more files (or a file importing itself)
  // holds at least one cycle, and one is shown for it.
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    order.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
    }
    if (low.get(v) !== order.get(v)) return;
    const component = new Set<string>();
    for (let w = stack.pop()!; ; w = stack.pop()!) {
      onStack.delete(w);
      component.add(w);
      if (w === v) break;
    }
    if (component.size > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(cycleThrough(v, component, graph));
  };
  for (const v of [...graph.keys()].sort()) if (!order.has(v)) visit(v);
  return cycles;
}

/** One cycle from `start` back to it, staying inside its component (breadth-first, so a shortest one). */
function cycleThrough(start: string, component: Set<string>, graph: Map<string, string[]>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!component.has(w)) continue;
      if (w === start) {
        const along: string[] = [];
        for (let u = v; u !== start; u = previous.get(u)!) along.unshift(u);
        return [start, ...along, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

function lineCount(source: string): number {
  return source.endsWith('\n') ? source.split('\n').length - 1 : source.split('\n').length;
}

describe('source structure', () => {
  const files = ROOTS.flatMap(sourceFiles).map((f) => f.split(path.sep).join('/'));
  const known = new Set(files);
  const text = new Map(files.map((f) => [f, fs.readFileSync(f, 'utf8')]));

  it('reads every form of relative import and re-export, and nothing inside comments', () => {
    const source = [
      `import * as fs from 'node:fs';`,
      `import { a, type B } from './a';`,
      `import type { C } from "../c";`,
      `import {\n  d,\n  e,\n} from './d';`,
      `export { f } from './f';`,
      `export * from './g';`,
      `export type { H } from './h';`,
      `import './side-effect';`,
      `// import { x } from './commented';`,
      `/* export * from './block'; */`,
      `const s = 'see https://example.com/a'; // from './not-an-import'`,
    ].join('\n');
    assert.deepEqual(importSpecifiers(source), ['node:fs', './a', '../c', './d', './f', './g', './h', './side-effect']);
  });

  it('finds a cycle, and none in a graph without one', () => {
    const g = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
    ]);
    assert.deepEqual(findCycles(g), [['a', 'b', 'c', 'a']]);
    assert.deepEqual(findCycles(new Map([['x', ['x']]])), [['x', 'x']]);
    assert.deepEqual(
      findCycles(
        new Map([
          ['a', ['b', 'c']],
          ['b', ['c']],
          ['c', []],
        ]),
      ),
      [],
    );
  });

  it('has no import cycles in src/ and webview/', () => {
    assert.ok(files.length > 100, `found only ${files.length} source files: is the working folder the repository?`);
    const graph = new Map(
      files.map((f) => [
        f,
        importSpecifiers(text.get(f)!)
          .map((s) => resolve(f, s, known))
          .filter((t): t is string => t !== undefined),
      ]),
    );
    const cycles = findCycles(graph);
    assert.deepEqual(
      cycles.map((c) => c.join(' -> ')),
      [],
      'these modules import each other (directly or through others); move what both need into a third module',
    );
  });

  it(`has no source file over ${MAX_LINES} lines`, () => {
    const long = files
      .map((f) => ({ f, lines: lineCount(text.get(f)!) }))
      .filter((x) => x.lines > MAX_LINES)
      .map((x) => `${x.f}: ${x.lines} lines`);
    assert.deepEqual(long, [], 'split these into smaller files with one job each');
  });
});
