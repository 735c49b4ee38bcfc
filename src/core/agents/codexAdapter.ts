import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StartRequest } from './agentBackend';
import type { AgentEvent } from './agentEvents';
import { truncateOutput } from './agentEvents';
import { buildAgentEnv } from './agentEnv';
import { apiErrorKind, statusInText } from './agentFailure';
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
import { shownValue } from './shownValue';

/** Settings of the Codex back-end that are not per run. */
export interface CodexAdapterOptions {
  /** `codex` on PATH by default. */
  binary?: string;
  extraArgs?: string[];
  extraEnv?: Record<string, string>;
}

/**
 * Host variables Codex may inherit: its keys, the user's own CODEX_HOME when they moved it, and OPENAI_BASE_URL
 * (codex 0.169 ignores it; later versions and wrappers may not). The variables the user's own providers name in
 * `~/.codex/config.toml` (`env_key`) pass too: see {@link codexUserKeyVars}.
 */
export const CODEX_ENV_ALLOW = ['OPENAI_API_KEY', 'CODEX_API_KEY', 'CODEX_HOME', 'OPENAI_BASE_URL'];

/** The variable that carries a configured key to codex (named in the provider's `env_key`). */
export const CODEX_KEY_VAR = 'SPECTASK_CODEX_API_KEY';

/** The provider id our `-c` overrides define for a custom endpoint. */
const PROVIDER = 'spectask';

interface CodexState extends BaseParseState {
  started: Set<string>;
  lastError?: string;
}

/** TOML basic strings share JSON's escapes for everything a URL or header can hold. */
function tomlString(s: string): string {
  return JSON.stringify(s);
}

/** Codex's own home: `CODEX_HOME`, else `~/.codex` (what the CLI itself uses). */
export function codexHome(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env.CODEX_HOME) return env.CODEX_HOME;
  return env.HOME ? path.join(env.HOME, '.codex') : undefined;
}

/**
 * The variables the user's own providers read their keys from (`env_key = "…"` in their `config.toml`): the
 * user chose them, in their own home (not the repository), so they pass the allow-list like the built-in ones.
 */
export function codexUserKeyVars(env: Readonly<Record<string, string | undefined>>): string[] {
  const home = codexHome(env);
  let text: string;
  try {
    text = home ? fs.readFileSync(path.join(home, 'config.toml'), 'utf8') : '';
  } catch {
    return [];
  }
  return [...text.matchAll(/^\s*env_key\s*=\s*["']([A-Za-z_][A-Za-z0-9_]*)["']/gm)].map((m) => m[1]!);
}

/**
 * `-c key=value` overrides for a custom Responses-API endpoint (agent-backends.md §5.3): codex layers them over
 * the user's own `config.toml`, which stays untouched. Each pair is one argument that starts with the key, so no
 * value can be read as an option; values are TOML strings (or literals we write ourselves).
 */
export function codexEndpointOverrides(
  baseUrl: string,
  envKey: string,
  headers: Record<string, string> = {},
): string[] {
  const p = `model_providers.${PROVIDER}`;
  const pairs = [
    `model_provider=${tomlString(PROVIDER)}`,
    `${p}.name=${tomlString(PROVIDER)}`,
    `${p}.base_url=${tomlString(baseUrl)}`,
    `${p}.env_key=${tomlString(envKey)}`,
    `${p}.wire_api="responses"`,
    // Without this codex first tries a WebSocket upgrade five times: about 6 s per run.
    `${p}.supports_websockets=false`,
    `${p}.request_max_retries=1`,
    `${p}.stream_max_retries=1`,
  ];
  if (Object.keys(headers).length)
    pairs.push(
      `${p}.http_headers={ ${Object.entries(headers)
        .map(([k, v]) => `${tomlString(k)} = ${tomlString(v)}`)
        .join(', ')} }`,
    );
  return pairs.flatMap((kv) => ['-c', kv]);
}

/**
 * Codex's Linux sandbox re-executes itself inside bubblewrap through helper links it makes under its home, and
 * it refuses to make them when that home lies inside the temp dir (a world-writable place). Its shell calls then
 * all fail ("bwrap: execvp codex-linux-sandbox") wherever bwrap is installed. When codex's home is inside the
 * temp dir (a home under /tmp, as in tests), codex gets a temp dir of its own inside its home, so the check passes.
 */
export function keepHelpersOutOfTempDir(env: Record<string, string>): InvocationFile[] {
  const home = codexHome(env);
  if (!home || process.platform === 'win32') return [];
  const tempDir = env.TMPDIR || '/tmp';
  const rel = path.relative(tempDir, home);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return [];
  env.TMPDIR = path.join(home, 'tmp');
  return [
    {
      path: path.join(env.TMPDIR, 'README'),
      content: 'Temporary files of codex runs (its own temp dir: its home is inside the system temp dir).\n',
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
    const keyVar = ep?.apiKeyEnv ?? CODEX_KEY_VAR;
    // Codex runs with the user's own home (~/.codex: login, config, sessions); per-task state is the session
    // id. A custom endpoint is layered over the user's config with -c, before the `resume` subcommand.
    if (ep?.baseUrl) args.splice(1, 0, ...codexEndpointOverrides(ep.baseUrl, keyVar, ep.headers));
    const env = buildAgentEnv(ctx.sourceEnv, [...this.envAllow, ...codexUserKeyVars(ctx.sourceEnv)], {
      ...(ep?.apiKey ? { [ep.baseUrl ? keyVar : 'CODEX_API_KEY']: ep.apiKey } : {}),
      ...this.opts.extraEnv,
      ...req.env,
    });
    const files = keepHelpersOutOfTempDir(env);
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
        // A failed turn is final: codex has already used its own retries.
        const errorKind = apiErrorKind(statusInText(message), message);
        s.native = { status: 'error', errorMessage: message, errorKind, text: s.lastText, raw: o };
        return [{ t: 'notice', runId, level: 'warn', message, raw: o }];
      }
      case 'error': {
        const message = str(o.message) ?? 'error';
        s.lastError = message;
        const status = statusInText(message);
        if (status) s.lastApiError = { status, message };
        return [{ t: 'notice', runId, level: /reconnecting/i.test(message) ? 'retry' : 'warn', message, raw: o }];
      }
      case 'item.started':
      case 'item.updated':
      case 'item.completed':
        return this.item(o, s);
      default:
        return [
          { t: 'notice', runId, level: 'info', message: `unrecognized codex event '${shownValue(o.type)}'`, raw: o },
        ];
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
            message: `unrecognized codex item '${shownValue(item.type)}'`,
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
