import * as path from 'node:path';
import type { StartRequest } from './agentBackend';
import type { AgentEvent } from './agentEvents';
import { truncateOutput } from './agentEvents';
import { buildAgentEnv } from './agentEnv';
import {
  finalizeFromState,
  num,
  obj,
  str,
  type BaseParseState,
  type CliAdapter,
  type ExitInfo,
  type Invocation,
  type InvocationFile,
  type InvocationContext,
} from './cliAdapter';
import { parseJsonLine } from './lineSplitter';
import { assertSafeModelName } from './modelName';
import { assertSafeSessionId } from './sessionId';

/** Settings of the Codex back-end that are not per run. */
export interface CodexAdapterOptions {
  /** `codex` on PATH by default. */
  binary?: string;
  extraArgs?: string[];
  extraEnv?: Record<string, string>;
}

/** Host variables Codex may inherit. `OPENAI_BASE_URL` is left out on purpose: codex 0.169 ignores it. */
export const CODEX_ENV_ALLOW = ['OPENAI_API_KEY', 'CODEX_API_KEY'];

/** The variable that carries a configured key to codex (named in config.toml `env_key`). */
export const CODEX_KEY_VAR = 'SPECTASK_CODEX_API_KEY';

interface CodexState extends BaseParseState {
  started: Set<string>;
  lastError?: string;
}

/** TOML basic strings share JSON's escapes for everything a URL or header can hold. */
function tomlString(s: string): string {
  return JSON.stringify(s);
}

/** `config.toml` for a custom Responses-API endpoint (agent-backends.md §5.3). */
export function codexConfigToml(baseUrl: string, envKey: string, headers: Record<string, string> = {}): string {
  const lines = [
    'model_provider = "spectask"',
    '',
    '[model_providers.spectask]',
    'name = "spectask"',
    `base_url = ${tomlString(baseUrl)}`,
    `env_key = ${tomlString(envKey)}`,
    'wire_api = "responses"',
    // Without this codex first tries a WebSocket upgrade five times: about 6 s per run.
    'supports_websockets = false',
    'request_max_retries = 1',
    'stream_max_retries = 1',
  ];
  if (Object.keys(headers).length)
    lines.push(
      `http_headers = { ${Object.entries(headers)
        .map(([k, v]) => `${tomlString(k)} = ${tomlString(v)}`)
        .join(', ')} }`,
    );
  return `${lines.join('\n')}\n`;
}

/**
 * Codex's Linux sandbox re-executes itself inside bubblewrap through helper links it makes under CODEX_HOME, and
 * it refuses to make them when CODEX_HOME lies inside the temp dir (a world-writable place). Its shell calls then
 * all fail ("bwrap: execvp codex-linux-sandbox") wherever bwrap is installed. When CODEX_HOME is inside the temp
 * dir (a repository under /tmp), codex gets a temp dir of its own inside CODEX_HOME, so the check passes.
 */
function keepHelpersOutOfTempDir(env: Record<string, string>): InvocationFile[] {
  const home = env.CODEX_HOME;
  if (!home || process.platform === 'win32') return [];
  const tempDir = env.TMPDIR || '/tmp';
  const rel = path.relative(tempDir, home);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return [];
  env.TMPDIR = path.join(home, 'tmp');
  return [
    {
      path: path.join(env.TMPDIR, 'README'),
      content: 'Temporary files of codex runs (its own temp dir: CODEX_HOME is inside the system temp dir).\n',
    },
  ];
}

/** Codex CLI (`codex exec --json`, stdin closed), agent-backends.md §2.3. */
export class CodexAdapter implements CliAdapter<CodexState> {
  readonly backend = 'codex' as const;
  readonly envAllow = CODEX_ENV_ALLOW;

  constructor(private readonly opts: CodexAdapterOptions = {}) {}

  buildInvocation(req: StartRequest, ctx: InvocationContext): Invocation {
    // Exec-level options must come before the `resume` subcommand.
    const args = ['exec', '--json', '--skip-git-repo-check', '-c', 'approval_policy="never"'];
    if (req.model) args.push('-m', assertSafeModelName(req.model));
    const p = req.permissions;
    switch (p.mode) {
      case 'read-only':
        args.push('-s', 'read-only');
        break;
      case 'edit':
      case 'ask':
        args.push('-s', 'workspace-write');
        break;
      case 'edit+commands':
        // workspace-write keeps .git read-only, and no git dir is added: agents never write to git (the
        // orchestrator commits each ticked item), and a writable `.git` lets an agent plant a hook or an fsmonitor.
        args.push('-s', 'workspace-write');
        break;
      case 'full':
        args.push('--dangerously-bypass-approvals-and-sandbox');
        break;
    }
    // The SpecTask folder in the design-docs worktree must be writable for ticks (not under read-only).
    if (req.permissions.mode !== 'read-only') for (const d of req.extraDirs ?? []) args.push('--add-dir', d);
    args.push(...(this.opts.extraArgs ?? []));
    // Codex has no system-prompt flag; the orchestrator's rules lead the prompt.
    const full = req.appendSystemPrompt ? `${req.appendSystemPrompt}\n\n${req.prompt}` : req.prompt;
    // A positional starting with "-" would be parsed as a flag; a leading space is harmless to the model.
    const prompt = full.startsWith('-') ? ` ${full}` : full;
    // The thread id is a positional too: checked, so that it cannot be read as a flag either.
    if (req.resumeSessionId) args.push('resume', assertSafeSessionId(req.resumeSessionId), prompt);
    else args.push(prompt);

    const ep = req.endpoint;
    const files = [];
    const keyVar = ep?.apiKeyEnv ?? CODEX_KEY_VAR;
    if (ep?.baseUrl) {
      if (!req.stateDir) throw new Error('codex needs a stateDir (CODEX_HOME) to use a custom endpoint');
      files.push({
        path: path.join(req.stateDir, 'config.toml'),
        content: codexConfigToml(ep.baseUrl, keyVar, ep.headers),
      });
    }
    const env = buildAgentEnv(ctx.sourceEnv, this.envAllow, {
      ...(req.stateDir ? { CODEX_HOME: req.stateDir } : {}),
      ...(ep?.apiKey ? { [ep.baseUrl ? keyVar : 'CODEX_API_KEY']: ep.apiKey } : {}),
      ...this.opts.extraEnv,
      ...req.env,
    });
    files.push(...keepHelpersOutOfTempDir(env));
    return {
      command: this.opts.binary ?? 'codex',
      args,
      env,
      cwd: req.worktree,
      files,
      stdin: 'ignore',
      softSignal: 'SIGINT',
    };
  }

  createState(runId: string, req: StartRequest): CodexState {
    return {
      runId,
      worktree: req.worktree,
      usage: {},
      deniedTools: [],
      started: new Set(),
      sessionId: req.resumeSessionId,
    };
  }

  parseLine(line: string, s: CodexState): AgentEvent[] {
    if (!line.trim()) return [];
    const o = parseJsonLine(line);
    const runId = s.runId;
    if (!o) return [{ t: 'notice', runId, level: 'warn', message: 'malformed line from codex', raw: line }];
    switch (o.type) {
      case 'thread.started':
        s.sessionId = str(o.thread_id) ?? s.sessionId;
        return [{ t: 'session', runId, backend: this.backend, sessionId: s.sessionId, raw: o }];
      case 'turn.started':
        s.turns = (s.turns ?? 0) + 1;
        return [];
      case 'turn.completed': {
        const u = obj(o.usage);
        // Usage is per turn; a run's total is their sum.
        s.usage = {
          inputTokens: (s.usage.inputTokens ?? 0) + (num(u?.input_tokens) ?? 0),
          outputTokens: (s.usage.outputTokens ?? 0) + (num(u?.output_tokens) ?? 0),
          cacheReadTokens: (s.usage.cacheReadTokens ?? 0) + (num(u?.cached_input_tokens) ?? 0),
        };
        s.native = { status: 'success', text: s.lastText, raw: o };
        return [{ t: 'usage', runId, ...s.usage, raw: o }];
      }
      case 'turn.failed': {
        const message = str(obj(o.error)?.message) ?? s.lastError ?? 'turn failed';
        s.native = { status: 'error', errorMessage: message, text: s.lastText, raw: o };
        return [{ t: 'notice', runId, level: 'warn', message, raw: o }];
      }
      case 'error': {
        const message = str(o.message) ?? 'error';
        s.lastError = message;
        return [{ t: 'notice', runId, level: /reconnecting/i.test(message) ? 'retry' : 'warn', message, raw: o }];
      }
      case 'item.started':
      case 'item.updated':
      case 'item.completed':
        return this.item(o, s);
      default:
        return [{ t: 'notice', runId, level: 'info', message: `unrecognized codex event '${String(o.type)}'`, raw: o }];
    }
  }

  private item(o: Record<string, unknown>, s: CodexState): AgentEvent[] {
    const runId = s.runId;
    const item = obj(o.item) ?? {};
    const id = str(item.id) ?? '';
    const done = o.type === 'item.completed';
    const events: AgentEvent[] = [];
    const call = (
      name: string,
      kind: 'shell' | 'edit' | 'other' | 'fetch',
      input: unknown,
      extra: { command?: string; paths?: string[] } = {},
    ) => {
      if (s.started.has(id)) return;
      s.started.add(id);
      events.push({ t: 'tool_call', runId, callId: id, name, kind, input, ...extra, raw: o });
    };
    switch (item.type) {
      case 'agent_message':
        if (done && typeof item.text === 'string') {
          s.lastText = item.text;
          events.push({ t: 'text', runId, text: item.text, delta: false, raw: o });
        }
        break;
      case 'reasoning':
        if (done) events.push({ t: 'thinking', runId, text: str(item.text) ?? '', raw: o });
        break;
      case 'command_execution': {
        const command = str(item.command);
        call('command_execution', 'shell', { command }, { command });
        if (done) {
          const exitCode = num(item.exit_code);
          events.push({
            t: 'tool_result',
            runId,
            callId: id,
            ok: item.status === 'completed' && (exitCode ?? 0) === 0,
            exitCode,
            output: truncateOutput(str(item.aggregated_output)),
            raw: o,
          });
        }
        break;
      }
      case 'file_change': {
        const changes = (Array.isArray(item.changes) ? item.changes : []).map((c) => obj(c) ?? {});
        call('file_change', 'edit', { changes }, { paths: changes.map((c) => str(c.path) ?? '') });
        if (done) {
          const ok = item.status !== 'failed';
          if (ok) {
            for (const c of changes) {
              const kind = c.kind === 'add' || c.kind === 'delete' ? c.kind : 'update';
              events.push({
                t: 'file_change',
                runId,
                path: path.resolve(s.worktree, str(c.path) ?? ''),
                change: kind,
                raw: o,
              });
            }
          }
          events.push({ t: 'tool_result', runId, callId: id, ok, raw: o });
        }
        break;
      }
      case 'mcp_tool_call':
        call(`${str(item.server) ?? 'mcp'}.${str(item.tool) ?? '?'}`, 'other', item.arguments);
        if (done)
          events.push({
            t: 'tool_result',
            runId,
            callId: id,
            ok: item.status !== 'failed' && !item.error,
            output: truncateOutput(JSON.stringify(item.result ?? item.error ?? null)),
            raw: o,
          });
        break;
      case 'web_search':
        call('web_search', 'fetch', { query: item.query });
        if (done) events.push({ t: 'tool_result', runId, callId: id, ok: true, raw: o });
        break;
      case 'todo_list':
        events.push({
          t: 'plan',
          runId,
          items: (Array.isArray(item.items) ? item.items : []).map((i) => ({
            text: str(obj(i)?.text) ?? '',
            done: obj(i)?.completed === true,
          })),
          raw: o,
        });
        break;
      case 'error':
        s.lastError = str(item.message);
        events.push({ t: 'notice', runId, level: 'warn', message: str(item.message) ?? 'error', raw: o });
        break;
      default:
        if (done)
          events.push({
            t: 'notice',
            runId,
            level: 'info',
            message: `unrecognized codex item '${String(item.type)}'`,
            raw: o,
          });
    }
    return events;
  }

  finalize(exit: ExitInfo, s: CodexState): ReturnType<typeof finalizeFromState> {
    const r = finalizeFromState(exit, s);
    if (r.status === 'crashed' && s.lastError && !exit.spawnError)
      r.errorMessage = `${r.errorMessage}; last error: ${s.lastError}`;
    return r;
  }
}
