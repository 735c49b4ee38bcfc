import * as path from 'node:path';
import type { StartRequest } from './agentBackend';
import type { AgentEvent } from './agentEvents';
import { buildAgentEnv } from './agentEnv';
import { assertSafeSessionId } from './sessionId';
import {
  finalizeFromState,
  type BaseParseState,
  type CliAdapter,
  type ExitInfo,
  type Invocation,
  type InvocationContext,
} from './cliAdapter';

/**
 * A command line for any other agent CLI (Aider, OpenCode, …). Each element of `args` is one argument;
 * `{prompt}`, `{cwd}`, `{model}` and `{sessionId}` inside an element are replaced, never re-split, so a
 * prompt cannot inject arguments or shell syntax.
 */
export interface CustomCommandTemplate {
  command: string;
  args: string[];
  /** Extra host variables the command may inherit (its own key names). */
  envAllow?: string[];
  env?: Record<string, string>;
  /** Write the prompt to stdin instead of (or besides) a `{prompt}` argument. */
  promptOnStdin?: boolean;
}

/** A template may place `{sessionId}` as an argument of its own, so only a checked id may fill it. */
function sessionIdArg(id: string | undefined): string {
  return id === undefined || id === '' ? '' : assertSafeSessionId(id);
}

/** Replaces the placeholders in one template argument. */
export function expandTemplateArg(arg: string, req: StartRequest): string {
  const values: Record<string, string> = {
    prompt: req.prompt,
    cwd: req.worktree,
    model: req.model ?? '',
    sessionId: sessionIdArg(req.resumeSessionId ?? req.sessionId),
  };
  return arg.replace(/\{(prompt|cwd|model|sessionId)\}/g, (_, k: string) => values[k]!);
}

/** Plain-text output: every stdout line becomes a text event; the exit code decides the result. */
export class CustomCommandAdapter implements CliAdapter {
  readonly backend = 'custom' as const;
  readonly envAllow: readonly string[];

  constructor(private readonly template: CustomCommandTemplate) {
    this.envAllow = template.envAllow ?? [];
  }

  buildInvocation(req: StartRequest, ctx: InvocationContext): Invocation {
    const env = buildAgentEnv(ctx.sourceEnv, this.envAllow, { ...this.template.env, ...req.env });
    return {
      command: this.template.command,
      args: this.template.args.map((a) => expandTemplateArg(a, req)),
      env,
      cwd: req.worktree,
      files: [],
      // The template's own absolute paths (a script it runs) are the user's choice, never a placeholder's value.
      programFiles: this.template.args.filter((a) => !a.includes('{') && path.isAbsolute(a)),
      stdin: this.template.promptOnStdin ? { text: req.prompt } : 'ignore',
      softSignal: 'SIGINT',
    };
  }

  createState(runId: string, req: StartRequest): BaseParseState {
    return { runId, worktree: req.worktree, usage: {}, deniedTools: [] };
  }

  parseLine(line: string, s: BaseParseState): AgentEvent[] {
    if (s.sessionId === undefined) {
      // The first output line doubles as the session start: a plain CLI has no session of its own.
      s.sessionId = '';
      const text = line;
      s.lastText = text;
      return [
        { t: 'session', runId: s.runId, backend: this.backend },
        { t: 'text', runId: s.runId, text, delta: false },
      ];
    }
    s.lastText = line;
    return [{ t: 'text', runId: s.runId, text: line, delta: false }];
  }

  finalize(exit: ExitInfo, s: BaseParseState): ReturnType<typeof finalizeFromState> {
    if (!exit.stoppedBy && !exit.spawnError && exit.code !== null) {
      s.native =
        exit.code === 0
          ? { status: 'success', text: s.lastText }
          : {
              status: 'error',
              text: s.lastText,
              errorMessage: `${this.template.command} exited with code ${exit.code}${exit.stderrTail.trim() ? `: ${exit.stderrTail.trim()}` : ''}`,
            };
    }
    const r = finalizeFromState(exit, s);
    return { ...r, sessionId: undefined };
  }
}
