/**
 * `dependsOn` between SpecTasks (issue 21, "Dependencies and overlap"): references as people type them, and
 * the check every edit goes through — the tasks must exist, a task cannot wait for itself, and no cycle (which
 * would leave every task on it waiting forever).
 */

/** "3,4", "#000003 #4", "000003" → ["000003", "000004"]; throws on anything that is not a SpecTask number. */
export function parseTaskRefs(text: string): string[] {
  const refs = text
    .split(/[\s,]+/)
    .map((s) => s.trim().replace(/^#/, ''))
    .filter(Boolean);
  const out: string[] = [];
  for (const r of refs) {
    if (!/^\d{1,6}$/.test(r) || Number(r) === 0) throw new Error(`'${r}' is not a SpecTask number (e.g. 3 or #000003)`);
    const id = r.padStart(6, '0');
    if (!out.includes(id)) out.push(id);
  }
  return out;
}

/** The path of a cycle that `id` depending on `deps` would close, e.g. ["000001", "000003", "000001"]. */
export function cycleThrough(
  graph: ReadonlyMap<string, readonly string[]>,
  id: string,
  deps: readonly string[],
): string[] | undefined {
  const next = (n: string) => (n === id ? deps : (graph.get(n) ?? []));
  // Depth-first from each new dependency: reaching `id` again closes a cycle.
  const seen = new Set<string>();
  const walk = (n: string, path: string[]): string[] | undefined => {
    if (n === id) return [...path, n];
    if (seen.has(n)) return undefined;
    seen.add(n);
    for (const m of next(n)) {
      const found = walk(m, [...path, n]);
      if (found) return found;
    }
    return undefined;
  };
  for (const d of deps) {
    const found = walk(d, [id]);
    if (found) return found;
  }
  return undefined;
}

/** Why `id` may not depend on `deps`, or undefined when it may. `graph`: every task's id → its dependsOn. */
export function dependencyProblem(
  graph: ReadonlyMap<string, readonly string[]>,
  id: string,
  deps: readonly string[],
): string | undefined {
  const missing = deps.filter((d) => !graph.has(d));
  if (missing.length) return `no SpecTask ${missing.map((d) => `#${d}`).join(', ')}`;
  if (deps.includes(id)) return `#${id} cannot depend on itself`;
  const cycle = cycleThrough(graph, id, deps);
  if (cycle)
    return `that would make a cycle (${cycle.map((n) => `#${n}`).join(' → ')}); every task on it would wait forever`;
  return undefined;
}

/** "#000003, #000004", or "nothing". */
export const describeDependencies = (deps: readonly string[]): string =>
  deps.length ? deps.map((d) => `#${d}`).join(', ') : 'nothing';

/**
 * Sets what `id` depends on through the one check (dependencyProblem), committing its `spectask.json`; throws
 * with the reason (a cycle with its path) and changes nothing when the edit is refused.
 */
export async function setDependsOn(
  store: { update(ref: string, what: string, mutate: (r: { dependsOn: string[] }) => void): Promise<unknown> },
  graph: ReadonlyMap<string, readonly string[]>,
  id: string,
  deps: readonly string[],
): Promise<void> {
  const problem = dependencyProblem(graph, id, deps);
  if (problem) throw new Error(`#${id} cannot depend on ${describeDependencies(deps)}: ${problem}`);
  await store.update(id, `depends on ${describeDependencies(deps)}`, (r) => {
    r.dependsOn = [...deps];
  });
}
