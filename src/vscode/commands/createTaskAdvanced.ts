import { vscode } from '../vscodeApi';
import type { BackendId } from '../../core/agents/agentBackend';
import { PRIORITIES } from '../../core/docs/specTaskSchema';
import type { SpecTaskStore } from '../../core/docs/specTaskStore';
import { dependencyProblem, parseTaskRefs } from '../../core/orchestrator/dependencies';
import type { SpecTaskRepository } from '../extensionContext';
import type { BackendCatalog } from '../services/backends';
import { probeDetail } from '../views/backendStatusText';
import type { CreateTaskAnswers, StartMode } from './createTaskAnswers';
import { GitRunner } from '../../core/git/gitRunner';
import { InputCancelled, inputStep, pickStep } from './multiStepInput';

type Row = vscode.QuickPickItem & { key: 'create' | 'backend' | 'base' | 'priority' | 'depends' | 'details' | 'start' };

const START_WORDS: Record<StartMode, string> = {
  plan: 'start planning now',
  skip: 'skip planning and implement',
  backlog: 'keep it in the backlog',
};

/**
 * The "Advanced…" list of Create SpecTask: every choice with its current value; picking one changes it, "Create"
 * creates. `'back'`: Escape in the list, back to the goal box; `'cancel'`: Escape inside a choice's own input.
 */
export async function askAdvanced(
  repo: SpecTaskRepository,
  catalog: BackendCatalog,
  s: CreateTaskAnswers,
): Promise<'create' | 'back' | 'cancel'> {
  const probes = catalog.probeAll();
  const branches = listBranches(repo.root);
  const title = 'Create SpecTask: advanced';
  for (;;) {
    const { current } = await branches;
    const rows: Row[] = [
      { key: 'create', label: '$(check) Create', detail: s.goal || '(no goal yet)' },
      { key: 'backend', label: `Back-end: ${catalog.get(s.backend).label}`, description: s.backend },
      { key: 'base', label: `Base branch: ${s.baseBranch ?? current ?? 'the default'}` },
      { key: 'priority', label: `Priority: ${s.priority}` },
      {
        key: 'depends',
        label: `Depends on: ${s.dependsOn?.length ? s.dependsOn.map((d) => `#${d}`).join(', ') : 'nothing'}`,
      },
      { key: 'details', label: `Details: ${s.details ? s.details.slice(0, 60) : 'none'}` },
      { key: 'start', label: `Then: ${START_WORDS[s.start]}` },
    ];
    let picked: Row;
    try {
      picked = await pickStep(
        { title, step: 1, totalSteps: 1 },
        { placeholder: 'Change a choice, or Create', items: rows },
      );
    } catch (e) {
      if (e instanceof InputCancelled) return 'back';
      throw e;
    }
    if (picked.key === 'create') return 'create';
    try {
      await change(picked.key, repo, s, { probes, branches, catalog });
    } catch (e) {
      if (e instanceof InputCancelled) continue; // Escape in a choice returns to the list
      throw e;
    }
  }
}

async function change(
  key: Row['key'],
  repo: SpecTaskRepository,
  s: CreateTaskAnswers,
  ctx: {
    probes: ReturnType<BackendCatalog['probeAll']>;
    branches: ReturnType<typeof listBranches>;
    catalog: BackendCatalog;
  },
): Promise<void> {
  const h = { title: 'Create SpecTask: advanced', step: 1, totalSteps: 1 };
  switch (key) {
    case 'backend': {
      const items = (await ctx.probes).map((r) => ({
        label: `${r.result.available ? '$(check)' : '$(warning)'} ${r.label}`,
        description: r.id,
        detail: probeDetail(r.result, ctx.catalog.foundIn(r.id)),
        id: r.id as BackendId,
      }));
      const active = items.find((i) => i.id === s.backend);
      s.backend = (await pickStep(h, { placeholder: 'Which agent back-end should work on it?', items, active })).id;
      return;
    }
    case 'base': {
      const { list, current } = await ctx.branches;
      const items = list.map((b) => ({ label: b, description: b === current ? 'checked out' : undefined }));
      if (!items.length) return;
      const active = items.find((i) => i.label === (s.baseBranch ?? current));
      s.baseBranch = (
        await pickStep(h, {
          placeholder: 'Base branch: the implementation branches from it and is merged back into it',
          items,
          active,
        })
      ).label;
      return;
    }
    case 'priority': {
      const items = [...PRIORITIES].reverse().map((p) => ({ label: p, priority: p }));
      const active = items.find((i) => i.priority === s.priority);
      s.priority = (await pickStep(h, { placeholder: 'Priority (higher is scheduled first)', items, active })).priority;
      return;
    }
    case 'depends': {
      // The same rules as `spectask create --depends-on` (core/orchestrator/dependencies.ts).
      const graph = await dependencyGraph(repo.docs.store);
      const text = await inputStep(h, {
        prompt: 'SpecTasks this one waits for (their numbers, e.g. 3, 4), or empty for none',
        value: (s.dependsOn ?? []).map((d) => String(Number(d))).join(', '),
        validate: (v) => dependsOnProblem(v, graph),
      });
      s.dependsOn = text.trim() ? parseTaskRefs(text) : [];
      return;
    }
    case 'details':
      s.details = (
        await inputStep(h, {
          prompt: 'Details: constraints, files to look at, what done means (empty for none)',
          value: s.details,
          validate: (v) => (v.length > 8000 ? 'Keep the details under 8000 characters.' : undefined),
        })
      ).trim();
      return;
    case 'start': {
      const items = (Object.keys(START_WORDS) as StartMode[]).map((mode) => ({
        label: START_WORDS[mode][0]!.toUpperCase() + START_WORDS[mode].slice(1),
        mode,
      }));
      const active = items.find((i) => i.mode === s.start);
      s.start = (await pickStep(h, { placeholder: 'What happens after it is created?', items, active })).mode;
      return;
    }
    case 'create':
      return;
  }
}

/** Why `text` is not a list of SpecTasks a new one may wait for, or undefined. */
export function dependsOnProblem(text: string, graph: ReadonlyMap<string, readonly string[]>): string | undefined {
  if (!text.trim()) return undefined;
  try {
    return dependencyProblem(graph, '(new)', parseTaskRefs(text));
  } catch (e) {
    return (e as Error).message;
  }
}

/** Every SpecTask's id → its dependsOn, from the records (as `spectask create --depends-on` reads them). */
async function dependencyGraph(store: SpecTaskStore): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for (const t of await store.list()) graph.set(t.id, (await store.get(t.id)).record?.dependsOn ?? []);
  return graph;
}

/** The local branches a SpecTask may start from (its own and the design-docs branches left out), checked-out first. */
async function listBranches(root: string): Promise<{ list: string[]; current?: string }> {
  const git = new GitRunner(root);
  const out = (await git.tryRun(['for-each-ref', '--format=%(refname:short)', 'refs/heads'])) ?? '';
  const current = (await git.tryRun(['symbolic-ref', '--quiet', '--short', 'HEAD']))?.trim();
  const list = out
    .split('\n')
    .map((b) => b.trim())
    .filter((b) => b && !b.startsWith('spectask/') && !b.startsWith('helix-'));
  if (current) list.sort((a, b) => (a === current ? -1 : b === current ? 1 : a.localeCompare(b)));
  return { list, current };
}
