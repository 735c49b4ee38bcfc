import * as path from 'node:path';
import type { PermissionPolicy } from '../agents/agentBackend';
import type { ResultEvent } from '../agents/agentEvents';
import type { SpecTaskStore } from '../docs/specTaskStore';
import type { CodeWorktree, CodeWorktrees } from './codeWorktrees';
import { implementationVerdict, planningVerdict, type Verdict } from './completion';
import { revisionReason } from './restartReason';
import {
  implementationNudge,
  implementationPrompt,
  planningNudge,
  planningPrompt,
  revisionPrompt,
  type ImplementationPaths,
  type PlanningPaths,
  type PromptTask,
  type ReviewComment,
} from './prompts';
import { implementationPolicy, PLANNING_POLICY, type OrchestratorSettings } from './settings';
import type { SpecTaskStatus, Trigger } from './statusMachine';
import type { TaskEntry } from './taskBook';

export type Phase = 'planning' | 'implementation';

/** Every path a run's prompt may name: one value satisfies the prompts of both phases, so none needs a cast. */
export type RunPaths = PlanningPaths & ImplementationPaths;

/** The paths of a run of the task in its folder (design-docs worktree) and its code worktree. */
export function runPaths(taskFolder: string, wt: CodeWorktree): RunPaths {
  return {
    repoRoot: wt.path,
    taskFolder,
    worktree: wt.path,
    branch: wt.branch,
    baseBranch: wt.baseBranch,
    tasksFile: path.join(taskFolder, 'tasks.md'),
    requirementsFile: path.join(taskFolder, 'requirements.md'),
    designFile: path.join(taskFolder, 'design.md'),
  };
}

/** Builds the prompt of one run from the task and its paths. */
export type MakePrompt = (task: PromptTask, paths: RunPaths) => string;

/** What the scheduler's start trigger makes of a task: the first prompt, and why the run is not the first. */
export interface StartPlan {
  prompt: MakePrompt;
  reason?: string;
}

/** What a phase's verdict may read: the task, how its run ended, the files and the code worktree. */
export interface VerdictInput {
  task: TaskEntry;
  result: ResultEvent;
  store: SpecTaskStore;
  worktrees: CodeWorktrees;
  worktree: CodeWorktree;
}

/** One phase of an agent's work: everything the run supervisor does differently for it. */
export interface PhaseSpec {
  /** The status a task has while this phase's agent works on it. */
  readonly status: SpecTaskStatus;
  readonly succeeded: Trigger;
  readonly failed: Trigger;
  /** The scheduler's triggers that start a run of this phase, and the run each one starts. */
  readonly starts: Partial<Record<Trigger, (task: TaskEntry) => StartPlan>>;
  /** Whether the code worktree catches up with its base before the run (planning never changes code). */
  readonly fastForward: boolean;
  agent(s: OrchestratorSettings): OrchestratorSettings['planning'];
  permissions(s: OrchestratorSettings): PermissionPolicy;
  nudge(task: PromptTask, paths: RunPaths, problems: readonly string[]): string;
  /** The prompt of a run resumed after the editor or the orchestrator restarted. */
  continuePrompt: MakePrompt;
  /** Decided from git and the files, never from the agent's claim. */
  verdict(input: VerdictInput): Promise<Verdict>;
  /** What the user is told when the phase's work is done. */
  ready(task: { number: string; title: string }): { kind: 'spec-ready' | 'implementation-ready'; message: string };
}

const INTERRUPTED = 'your previous run was interrupted (the editor or the orchestrator restarted)';

/** The open review comments of a task, as the revision prompt quotes them. */
function openComments(task: TaskEntry): ReviewComment[] {
  return (task.record?.reviewComments ?? [])
    .filter((c) => !c.resolvedAt)
    .map((c) => ({
      document: c.document as ReviewComment['document'],
      line: c.line ?? 1,
      quote: c.quote ?? '',
      comment: c.comment,
      // Its id lets the agent say which comments it addressed (addressed.json), checked before any is resolved.
      id: c.id,
    }));
}

export const PHASES: Readonly<Record<Phase, PhaseSpec>> = {
  planning: {
    status: 'spec_generation',
    succeeded: 'planning_succeeded',
    failed: 'planning_failed',
    starts: {
      planning_slot_free: () => ({ prompt: planningPrompt }),
      revision_resumed: (task) => {
        const comments = openComments(task);
        const round = task.record?.revisionCount ?? 1;
        return {
          prompt: (t, paths) => revisionPrompt(t, paths, comments, round),
          reason: revisionReason(comments.length),
        };
      },
    },
    fastForward: false,
    agent: (s) => s.planning,
    permissions: () => PLANNING_POLICY,
    nudge: planningNudge,
    continuePrompt: (t, paths) => planningNudge(t, paths, [`${INTERRUPTED}; continue where you left off`]),
    verdict: async ({ task, result, store }) =>
      planningVerdict(await store.get(task.id), task.record?.prompt, result.status),
    ready: (t) => ({ kind: 'spec-ready', message: `The spec for #${t.number} "${t.title}" is ready for review.` }),
  },
  implementation: {
    status: 'implementation',
    succeeded: 'implementation_complete',
    failed: 'implementation_failed',
    starts: {
      implementation_slot_free: (task) => {
        const hasSpec = (task.record?.history ?? []).some((h) => h.to === 'spec_approved');
        return { prompt: (t, paths) => implementationPrompt(t, paths, { hasSpec }) };
      },
    },
    fastForward: true,
    agent: (s) => s.implementation,
    permissions: implementationPolicy,
    nudge: implementationNudge,
    continuePrompt: (t, paths) =>
      implementationNudge(t, paths, [`${INTERRUPTED}; continue with the first item that is not [x]`]),
    verdict: async ({ task, store, worktrees, worktree }) => {
      const [status, commits] = await Promise.all([worktrees.status(worktree), worktrees.commitsSinceBase(worktree)]);
      const details = await store.get(task.id);
      return implementationVerdict({ number: task.number, items: details.checklist?.items ?? [], status, commits });
    },
    ready: (t) => ({
      kind: 'implementation-ready',
      message: `#${t.number} "${t.title}" is implemented and waits for your review.`,
    }),
  },
};

const PHASE_NAMES = Object.keys(PHASES) as Phase[];

/** The phase whose agent works on a task in this status, if any. */
export function phaseOfStatus(status: SpecTaskStatus): Phase | undefined {
  return PHASE_NAMES.find((p) => PHASES[p].status === status);
}

/** The phase a scheduler trigger starts a run of, if any (`start_planning` only queues). */
export function phaseOfStartTrigger(trigger: Trigger): Phase | undefined {
  return PHASE_NAMES.find((p) => PHASES[p].starts[trigger]);
}
