import type { BackendId, StartRequest } from './agentBackend';
import type { AgentEvent, ErrorKind, ResultEvent, RunStatus, UsageTotals } from './agentEvents';
import { apiErrorKind, crashErrorKind, spawnErrorKind, stderrReason } from './agentFailure';
import type { GitIdentity } from './gitIdentity';

/** A file the run needs before it starts (codex `config.toml`, gemini `settings.json`). */
export interface InvocationFile {
  path: string;
  content: string;
}

/** The exact process to start: an argument array, never a shell string. */
export interface Invocation {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  files: InvocationFile[];
  /** `ignore` closes stdin (codex waits for input otherwise); a text is written and then stdin is closed. */
  stdin: 'ignore' | { text: string };
  /** Files the program runs besides `command`, named by the user's own setting (see AgentSandboxPaths). */
  programFiles?: string[];
  /** The soft interrupt; SIGINT lets claude and codex stop their tool children themselves. */
  softSignal: NodeJS.Signals;
}

/** Facts from outside the request that the invocation depends on; gathered before, so building stays pure. */
export interface InvocationContext {
  runId: string;
  /** The extension host's environment; only allow-listed names are copied from it. */
  sourceEnv: Readonly<Record<string, string | undefined>>;
  /** Running as root (claude's bypass mode then needs IS_SANDBOX=1). */
  isRoot: boolean;
  /** `git rev-parse --git-dir` and `--git-common-dir` of the worktree, absolute, when it is a git worktree. */
  gitDirs?: string[];
  /** The author identity the user's git resolves in the worktree (for CLIs that hide ~/.gitconfig). */
  gitIdentity?: GitIdentity;
}

/** How the process ended, as the runner saw it. */
export interface ExitInfo {
  code: number | null;
  signal: string | null;
  durationMs: number;
  /** Set when the runner stopped the process itself (cancel, wall-clock or idle timeout). */
  stoppedBy?: { status: Extract<RunStatus, 'cancelled' | 'timeout'>; message: string };
  /** The process could not be started at all. */
  spawnError?: string;
  /** The last lines of stderr, for crash messages. */
  stderrTail: string;
  /** The first lines of stderr, when the runner keeps them: a rejected command line's error precedes its help. */
  stderrHead?: string;
}

/** Parse state every adapter keeps; adapters extend it. */
export interface BaseParseState {
  runId: string;
  worktree: string;
  sessionId?: string;
  model?: string;
  usage: UsageTotals;
  deniedTools: string[];
  lastText?: string;
  turns?: number;
  /** What the back-end's own final event said, if it sent one. */
  native?: { status: RunStatus; text?: string; errorMessage?: string; errorKind?: ErrorKind; raw?: unknown };
  /** The last API error the CLI reported (while retrying or not): the reason shown when the run then stalls. */
  lastApiError?: { status?: number; message: string };
  /**
   * An error no retry can fix, seen before the CLI gave up on its own (claude retries a refused login for
   * minutes). The result reports it; a runner that sees it set may stop the run at once.
   */
  fatal?: { kind: ErrorKind; message: string };
}

/**
 * One CLI back-end as three pure pieces plus optional preparation (agent-backends.md §6.2). The shared
 * `startCliRun` does the processes; unit tests drive these pieces with recorded streams.
 */
export interface CliAdapter<S extends BaseParseState = BaseParseState> {
  readonly backend: BackendId;
  /** Variables this back-end may inherit from the host environment besides the base allow-list. */
  readonly envAllow: readonly string[];
  buildInvocation(req: StartRequest, ctx: InvocationContext): Invocation;
  createState(runId: string, req: StartRequest): S;
  /** Maps one stdout line to events; must tolerate any input (unknown or malformed lines give notices or nothing). */
  parseLine(line: string, state: S): AgentEvent[];
  /** The run's single `result`, from the native final event when there was one, else synthesized from the exit. */
  finalize(exit: ExitInfo, state: S): ResultEvent;
}

/** Shared `finalize` rules: runner stops win, then the back-end's own verdict, then the exit status. */
export function finalizeFromState(
  exit: ExitInfo,
  state: BaseParseState,
  opts: { cleanExitIsSuccess?: boolean } = {},
): ResultEvent {
  const base = {
    t: 'result' as const,
    runId: state.runId,
    sessionId: state.sessionId,
    turns: state.turns,
    durationMs: exit.durationMs,
    usage: hasUsage(state.usage) ? { ...state.usage } : undefined,
    deniedTools: state.deniedTools.length ? [...new Set(state.deniedTools)] : undefined,
    exitCode: exit.code,
    signal: exit.signal,
  };
  if (exit.spawnError)
    return { ...base, status: 'crashed', errorMessage: exit.spawnError, ...kindOf(spawnErrorKind(exit.spawnError)) };
  if (state.fatal)
    return {
      ...base,
      status: 'error',
      errorMessage: state.fatal.message,
      ...kindOf(state.fatal.kind),
      text: state.native?.text ?? state.lastText,
    };
  if (exit.stoppedBy) {
    // A run that stalled while the CLI was retrying an API error failed because of that error, not the timeout.
    const api = exit.stoppedBy.status === 'timeout' ? state.lastApiError : undefined;
    return {
      ...base,
      status: exit.stoppedBy.status,
      errorMessage: api ? `${api.message} (then ${exit.stoppedBy.message})` : exit.stoppedBy.message,
      ...kindOf(api ? (apiErrorKind(api.status, api.message) ?? 'fatal-api') : undefined),
      text: state.native?.text ?? state.lastText,
    };
  }
  if (state.native) {
    // A "successful" turn in which a tool was refused is not successful work (agent-backends.md §0).
    const status = state.native.status === 'success' && state.deniedTools.length ? 'denied' : state.native.status;
    const errorMessage =
      status === 'denied' && !state.native.errorMessage
        ? `permission denied for: ${[...new Set(state.deniedTools)].join(', ')}`
        : state.native.errorMessage;
    return {
      ...base,
      status,
      text: state.native.text ?? state.lastText,
      errorMessage,
      ...kindOf(state.native.errorKind),
      raw: state.native.raw,
    };
  }
  if (exit.code === 0 && opts.cleanExitIsSuccess) {
    const status = state.deniedTools.length ? 'denied' : 'success';
    return { ...base, status, text: state.lastText };
  }
  const how = exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const reason = stderrReason(exit.stderrTail, exit.stderrHead);
  return {
    ...base,
    status: 'crashed',
    text: state.lastText,
    errorMessage: `the agent ${how} without a final result${reason ? `: ${reason}` : ''}`,
    ...kindOf(crashErrorKind(reason)),
  };
}

/** `errorKind` only when there is one, so results without it keep their shape. */
function kindOf(kind: ErrorKind | undefined): { errorKind?: ErrorKind } {
  return kind ? { errorKind: kind } : {};
}

function hasUsage(u: UsageTotals): boolean {
  return (
    u.inputTokens !== undefined ||
    u.outputTokens !== undefined ||
    u.costUsd !== undefined ||
    u.cacheReadTokens !== undefined
  );
}

/** Reads a number field that may be missing or of the wrong type. */
export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Reads a string field that may be missing or of the wrong type. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Reads an object field that may be missing or of the wrong type. */
export function obj(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
