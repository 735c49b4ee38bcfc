import { vscode } from '../vscodeApi';
import type { BackendId } from '../../core/agents/agentBackend';
import { PRIORITIES, type Priority } from '../../core/docs/specTaskSchema';
import { GitRunner } from '../../core/git/gitRunner';
import type { SpecTaskRepository } from '../extensionContext';
import type { BackendCatalog } from '../services/backends';
import { BACKEND_LABELS } from '../services/backends';
import { BACKEND_IDS } from '../services/settings';
import { pickStep, inputStep, runSteps } from './multiStepInput';
import { refuseUnavailableBackend } from './backendGate';

export type StartMode = 'plan' | 'skip' | 'backlog';

export interface CreateTaskAnswers {
  goal: string;
  details: string;
  backend: BackendId;
  baseBranch?: string;
  priority: Priority;
  start: StartMode;
}

/** Title of a SpecTask from the goal: its first line, at most 80 characters, cut at a word. */
export function titleFromGoal(goal: string): string {
  const first = goal.trim().split('\n')[0]!.trim();
  if (first.length <= 80) return first;
  const cut = first.slice(0, 80);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 40 ? cut.lastIndexOf(' ') : 80).trim()}…`;
}

export function validateGoal(v: string): string | undefined {
  const t = v.trim();
  if (!t) return 'Describe the goal, e.g. "Add password reset by e-mail".';
  if (t.length < 4) return 'The goal is too short to plan from.';
  if (t.length > 2000) return 'Keep the goal under 2000 characters; put details in the next step.';
  return undefined;
}

/** The multi-step "Create SpecTask" input. Returns undefined when the user pressed Escape. */
export async function askCreateTask(
  repo: SpecTaskRepository,
  catalog: BackendCatalog,
  preset: Partial<CreateTaskAnswers> = {},
): Promise<CreateTaskAnswers | undefined> {
  const title = 'Create SpecTask';
  const cfg = vscode.workspace.getConfiguration('spectask');
  const defaultBackend = (cfg.get<string>('agents.planning.backend') as BackendId) || 'claude-cli';
  const probes = catalog.probeAll();
  const branches = listBranches(repo.root);
  const state: CreateTaskAnswers = {
    goal: preset.goal ?? '',
    details: preset.details ?? '',
    backend: preset.backend ?? defaultBackend,
    priority: preset.priority ?? 'medium',
    start: preset.start ?? 'plan',
    baseBranch: preset.baseBranch,
  };
  return runSteps(state, [
    async (s, step, totalSteps) => {
      s.goal = (
        await inputStep(
          { title, step, totalSteps },
          {
            prompt:
              'What should be built or changed? One sentence is enough; a planning agent turns it into requirements, a design and a checklist.',
            placeholder: 'Add password reset by e-mail',
            value: s.goal,
            validate: validateGoal,
          },
        )
      ).trim();
    },
    async (s, step, totalSteps) => {
      s.details = (
        await inputStep(
          { title, step, totalSteps },
          {
            prompt: 'Optional details: constraints, files to look at, what done means. Press Enter to skip.',
            value: s.details,
            validate: (v) => (v.length > 8000 ? 'Keep the details under 8000 characters.' : undefined),
          },
        )
      ).trim();
    },
    async (s, step, totalSteps) => {
      const results = await probes;
      const items = results.map((r) => ({
        label: `${r.result.available ? '$(check)' : '$(warning)'} ${r.label}`,
        description: r.id === defaultBackend ? `${r.id} · default` : r.id,
        detail: r.result.available
          ? [r.result.binary, r.result.version].filter(Boolean).join(' ') || 'available'
          : r.result.problem,
        id: r.id,
      }));
      const picked = await pickStep(
        { title, step, totalSteps },
        {
          placeholder: 'Which agent back-end should work on it?',
          items,
          active: items.find((i) => i.id === s.backend),
        },
      );
      s.backend = picked.id;
    },
    async (s, step, totalSteps) => {
      const { list, current } = await branches;
      const items = list.map((b) => ({ label: b, description: b === current ? 'checked out' : undefined }));
      if (!items.length) return;
      const picked = await pickStep(
        { title, step, totalSteps },
        {
          placeholder: 'Base branch: the implementation branches from it and is merged back into it',
          items,
          active: items.find((i) => i.label === (s.baseBranch ?? current)),
        },
      );
      s.baseBranch = picked.label;
    },
    async (s, step, totalSteps) => {
      const items = [...PRIORITIES].reverse().map((p) => ({ label: p, priority: p }));
      s.priority = (
        await pickStep(
          { title, step, totalSteps },
          {
            placeholder: 'Priority (higher priorities are scheduled first)',
            items,
            active: items.find((i) => i.priority === s.priority),
          },
        )
      ).priority;
    },
    async (s, step, totalSteps) => {
      const items: (vscode.QuickPickItem & { mode: StartMode })[] = [
        {
          label: '$(play) Start planning now',
          detail: 'A planning agent writes requirements.md, design.md and tasks.md for you to review.',
          mode: 'plan',
        },
        {
          label: '$(run-all) Skip planning and implement',
          detail: 'An implementation agent starts from the goal alone.',
          mode: 'skip',
        },
        {
          label: '$(inbox) Keep it in the backlog',
          detail: 'Start it later from the SpecTasks view.',
          mode: 'backlog',
        },
      ];
      s.start = (
        await pickStep(
          { title, step, totalSteps },
          { placeholder: 'What happens next?', items, active: items.find((i) => i.mode === s.start) },
        )
      ).mode;
    },
  ]);
}

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

/**
 * True (after saying why in one sentence, with the Configure Agent Back-ends button) when the answers would start
 * an agent whose back-end cannot run: nothing is created, so no card shows an agent "working" that cannot start.
 */
export async function refusedToStart(catalog: BackendCatalog, a: CreateTaskAnswers): Promise<boolean> {
  if (a.start === 'backlog') return false;
  return refuseUnavailableBackend(catalog, a.backend, a.start === 'plan' ? 'plan it' : 'implement it');
}

/** Creates the SpecTask the answers describe; returns its id. */
export async function createFromAnswers(repo: SpecTaskRepository, a: CreateTaskAnswers): Promise<string> {
  const prompt = a.details ? `${a.goal}\n\n${a.details}` : a.goal;
  return repo.orchestrator.create(
    { title: titleFromGoal(a.goal), prompt, priority: a.priority, backend: a.backend, baseBranch: a.baseBranch },
    { startPlanning: a.start === 'plan', skipPlanning: a.start === 'skip' },
  );
}

export { BACKEND_IDS, BACKEND_LABELS };
