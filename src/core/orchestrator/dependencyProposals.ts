import { dependencyProblem } from './dependencies';
import { readDesign } from './overlap/predictedFiles';

/**
 * Dependencies the planning agent proposes in design.md (issue 21): lines such as `Depends on: #000003, #4`.
 * design.md is an agent's text on the design-docs branch, so a proposal is never applied by itself: a person
 * adds it (the "Add / Ignore" question in VS Code, `spectask depends-on` after `spectask approve` prints it).
 */

/** Only the head of the document is read, and only so many proposals are taken from it. */
const MAX_CHARS = 256 * 1024;
const MAX_PROPOSALS = 20;

/** The SpecTask numbers that design.md's `Depends on:` lines name, six digits each, in order, without repeats. */
export function proposedDependencies(design: string): string[] {
  const out: string[] = [];
  for (const line of design.slice(0, MAX_CHARS).split('\n')) {
    // "Depends on: #3", "- **Depends on:** #000003, #000004"; the prefix is matched on a bounded slice.
    const m = /^[\s>*_-]{0,8}depends on\b[*_:\s]{0,8}/i.exec(line.slice(0, 40));
    if (!m) continue;
    for (const ref of line.slice(m[0].length, m[0].length + 400).matchAll(/#(\d{1,6})\b/g)) {
      const id = ref[1]!.padStart(6, '0');
      if (Number(id) > 0 && !out.includes(id)) out.push(id);
      if (out.length >= MAX_PROPOSALS) return out;
    }
  }
  return out;
}

export interface DependencyProposal {
  /** Proposed and addable: they exist, are not already dependencies, and close no cycle. */
  add: string[];
  /** Proposed but refused, with why ("no SpecTask #000009", "that would make a cycle (…)"). */
  refused: { id: string; problem: string }[];
}

/** What of design.md's proposals a person may add to `id`'s dependencies. `graph`: every task → its dependsOn. */
export function dependencyProposal(
  design: string,
  id: string,
  graph: ReadonlyMap<string, readonly string[]>,
): DependencyProposal {
  const current = graph.get(id) ?? [];
  const add: string[] = [];
  const refused: DependencyProposal['refused'] = [];
  for (const d of proposedDependencies(design).filter((x) => !current.includes(x))) {
    // A cycle that adding `d` would close runs through `d`: each proposal is checked on its own.
    const problem = dependencyProblem(graph, id, [d]);
    if (problem) refused.push({ id: d, problem });
    else add.push(d);
  }
  return { add, refused };
}

/** "design.md proposes depending on #000003, #000004" — the question's text; undefined when nothing is proposed. */
export function describeProposal(number: string, p: DependencyProposal): string | undefined {
  const parts: string[] = [];
  if (p.add.length) parts.push(`design.md of #${number} proposes depending on ${p.add.map((d) => `#${d}`).join(', ')}`);
  for (const r of p.refused) parts.push(`it also proposes #${r.id}, which cannot be added: ${r.problem}`);
  return parts.length ? parts.join('; ') : undefined;
}

/** What `spectask approve` prints: the proposal and the command that adds it; undefined when none. */
export async function proposalText(
  taskFolder: string,
  id: string,
  number: string,
  graph: ReadonlyMap<string, readonly string[]>,
): Promise<string | undefined> {
  const design = await readDesign(taskFolder);
  if (!design) return undefined;
  const p = dependencyProposal(design, id, graph);
  const text = describeProposal(number, p);
  if (!text) return undefined;
  const all = [...(graph.get(id) ?? []), ...p.add].map((d) => String(Number(d))).join(',');
  return p.add.length ? `${text}\nadd it with: spectask depends-on ${Number(number)} ${all}` : text;
}
