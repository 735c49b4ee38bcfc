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
  type InvocationContext,
} from './cliAdapter';
import { parseJsonLine } from './lineSplitter';
import { toolKind, toolPaths } from './toolKinds';
import { assertSafeModelName } from './modelName';
import { confirmSession, startSessionId, type SessionConfirmation } from './confirmedSession';
import { assertSafeSessionId } from './sessionId';
import { shownValue } from './shownValue';

/** Settings of the Gemini back-end that are not per run. */
export interface GeminiAdapterOptions {
  /** `gemini` on PATH by default. */
  binary?: string;
  extraArgs?: string[];
  extraEnv?: Record<string, string>;
}

/** Host variables Gemini CLI may inherit (keys, provider switches, the user's own GEMINI_CLI_HOME). */
export const GEMINI_ENV_ALLOW = [
  'GEMINI_CLI_HOME',
  'GEMINI_API_KEY',
  'GOOGLE_API_KEY',
  'GOOGLE_GEMINI_BASE_URL',
  'GOOGLE_GENAI_USE_VERTEXAI',
  'GOOGLE_CLOUD_PROJECT',
  'GOOGLE_CLOUD_LOCATION',
  'GOOGLE_APPLICATION_CREDENTIALS',
];

interface GeminiState extends BaseParseState, SessionConfirmation {
  /** Edits announced by tool_use, reported as file changes once their tool_result succeeds. */
  pendingEdits: Map<string, { path: string; change: 'add' | 'update' }>;
  /** Assistant text arrives as deltas; the final text is the run of deltas since the last tool call. */
  textRun: string;
}

/**
 * `settings.json` of the gemini home a custom endpoint gets (GEMINI_CLI_HOME): gemini 0.61 accepts
 * GOOGLE_GEMINI_BASE_URL only with an auth type chosen in a settings file ("Invalid auth method selected"
 * otherwise). Folder trust stays on (its default): see the trust notes in buildInvocation.
 */
export function geminiEndpointSettings(): string {
  return `${JSON.stringify(
    {
      security: { auth: { selectedType: 'gemini-api-key' } },
      telemetry: { enabled: false },
      privacy: { usageStatisticsEnabled: false },
    },
    null,
    2,
  )}\n`;
}

/**
 * Where gemini sends requests and keys. Gemini loads a trusted workspace's `.env` into its own environment
 * without overriding what is set, so each is pinned (empty means gemini's default) and a repository's `.env`
 * cannot send the key elsewhere.
 */
const GEMINI_ENDPOINT_VARS = ['GOOGLE_GEMINI_BASE_URL', 'GOOGLE_VERTEX_BASE_URL'];

/** Gemini CLI (`gemini -p --output-format stream-json`), agent-backends.md §2.4. */
export class GeminiAdapter implements CliAdapter<GeminiState> {
  readonly backend = 'gemini' as const;
  readonly envAllow = GEMINI_ENV_ALLOW;

  constructor(private readonly opts: GeminiAdapterOptions = {}) {}

  buildInvocation(req: StartRequest, ctx: InvocationContext): Invocation {
    const prompt = req.appendSystemPrompt ? `${req.appendSystemPrompt}\n\n${req.prompt}` : req.prompt;
    // `--prompt=<text>` keeps a prompt that starts with "-" a value.
    // Folder trust stays on. Headless gemini refuses an untrusted folder, and trusting it (a trustedFolders.json
    // entry, GEMINI_CLI_TRUST_WORKSPACE=true, or folder trust off) would load the repository's
    // .gemini/settings.json: its MCP commands, hooks and tool-discovery commands would run. So the folder is
    // untrusted while gemini loads its settings (GEMINI_CLI_TRUST_WORKSPACE=false below, whatever the user's
    // trustedFolders.json or folderTrust setting says), and `--skip-trust` trusts it only afterwards, for the
    // session (gemini 0.61 applies the flag after loading settings).
    const args = [`--prompt=${prompt}`, '--output-format', 'stream-json', '--skip-trust'];
    if (req.model) args.push('-m', assertSafeModelName(req.model)); // unpinned, the "auto" router makes an extra classifier call
    // Session ids are checked (never "-"-led) so that they stay values of their flags.
    if (req.resumeSessionId) args.push('--resume', assertSafeSessionId(req.resumeSessionId));
    else if (req.sessionId) args.push('--session-id', assertSafeSessionId(req.sessionId));
    const p = req.permissions;
    switch (p.mode) {
      case 'read-only':
        args.push('--approval-mode', 'plan');
        break;
      case 'edit':
      case 'ask': // headless gemini cannot ask: tools needing approval are simply not offered
        args.push('--approval-mode', 'auto_edit');
        break;
      case 'edit+commands':
        // Verified with 0.61: auto_edit plus run_shell_command(<prefix>) rules lets exactly those commands run.
        // One value per flag (the option takes one), joined by "=" so that no rule is read as a prompt or flag.
        // Gemini splits each value at commas, so a command with a comma is left out (it would become other,
        // wider rules: "x,run_shell_command" would allow every command).
        args.push('--approval-mode', 'auto_edit');
        for (const c of p.allow) if (!c.includes(',')) args.push(`--allowed-tools=run_shell_command(${c})`);
        break;
      case 'full':
        args.push('--approval-mode', 'yolo');
        break;
    }
    for (const d of req.extraDirs ?? []) args.push(`--include-directories=${d}`);
    args.push(...(this.opts.extraArgs ?? []));
    const ep = req.endpoint;
    // Gemini runs with the user's own HOME (~/.gemini: login, settings, sessions). Only
    // a custom endpoint needs a gemini home of its own (see geminiEndpointSettings), kept per task in stateDir.
    const ownHome = ep?.baseUrl ? req.stateDir : undefined;
    if (ep?.baseUrl && !ownHome) throw new Error('gemini needs a stateDir (its own home) to use a custom endpoint');
    const files = ownHome
      ? [{ path: path.join(ownHome, '.gemini', 'settings.json'), content: geminiEndpointSettings() }]
      : [];
    const pinned = Object.fromEntries(GEMINI_ENDPOINT_VARS.map((v) => [v, ctx.sourceEnv[v] ?? '']));
    // Gemini's shell commands get GIT_CONFIG_GLOBAL=/dev/null (0.61), which hides ~/.gitconfig and with it the
    // user's identity ("Author identity unknown"); it keeps GIT_CONFIG_KEY_n pairs, so the identity goes there.
    const identity = Object.entries({
      'user.name': ctx.gitIdentity?.name,
      'user.email': ctx.gitIdentity?.email,
    }).filter((e): e is [string, string] => !!e[1]);
    const gitConfig = Object.fromEntries([
      ...(identity.length ? [['GIT_CONFIG_COUNT', String(identity.length)]] : []),
      ...identity.flatMap(([k, v], i) => [
        [`GIT_CONFIG_KEY_${i}`, k],
        [`GIT_CONFIG_VALUE_${i}`, v],
      ]),
    ]);
    const env = buildAgentEnv(ctx.sourceEnv, this.envAllow, {
      ...pinned,
      ...gitConfig,
      ...(ownHome ? { GEMINI_CLI_HOME: ownHome } : {}),
      ...(ep?.baseUrl ? { GOOGLE_GEMINI_BASE_URL: ep.baseUrl } : {}),
      ...(ep?.apiKey ? { [ep.apiKeyEnv ?? 'GEMINI_API_KEY']: ep.apiKey } : {}),
      GEMINI_CLI_TRUST_WORKSPACE: 'false',
      // Without it gemini re-launches itself as a child that never sees our signals.
      GEMINI_CLI_NO_RELAUNCH: 'true',
      ...this.opts.extraEnv,
      ...req.env,
    });
    return {
      command: this.opts.binary ?? 'gemini',
      args,
      env,
      cwd: req.worktree,
      files,
      stdin: 'ignore',
      softSignal: 'SIGINT',
    };
  }

  createState(runId: string, req: StartRequest): GeminiState {
    return {
      runId,
      worktree: req.worktree,
      usage: {},
      deniedTools: [],
      pendingEdits: new Map(),
      textRun: '',
      sessionId: req.resumeSessionId ?? req.sessionId,
      sessionUnconfirmed: !req.resumeSessionId,
    };
  }

  parseLine(line: string, s: GeminiState): AgentEvent[] {
    if (!line.trim()) return [];
    const o = parseJsonLine(line);
    const runId = s.runId;
    if (!o) return [{ t: 'notice', runId, level: 'warn', message: 'malformed line from gemini', raw: line }];
    switch (o.type) {
      case 'init':
        s.sessionId = str(o.session_id) ?? s.sessionId;
        s.model = str(o.model);
        return [{ t: 'session', runId, backend: this.backend, sessionId: startSessionId(s), model: s.model, raw: o }];
      case 'message': {
        if (o.role !== 'assistant') return [];
        const text = str(o.content) ?? '';
        s.textRun = o.delta === true ? s.textRun + text : text;
        s.lastText = s.textRun;
        return [...confirmSession(s, runId, this.backend), { t: 'text', runId, text, delta: o.delta === true, raw: o }];
      }
      case 'tool_use': {
        s.textRun = '';
        const name = str(o.tool_name) ?? 'unknown';
        const input = o.parameters;
        const callId = str(o.tool_id) ?? '';
        const paths = toolPaths(input);
        const events: AgentEvent[] = [
          ...confirmSession(s, runId, this.backend),
          {
            t: 'tool_call',
            runId,
            callId,
            name,
            kind: toolKind(name),
            input,
            command: name === 'run_shell_command' ? str(obj(input)?.command) : undefined,
            paths,
            raw: o,
          },
        ];
        if ((name === 'write_file' || name === 'replace') && paths?.[0]) {
          const abs = path.resolve(s.worktree, paths[0]);
          // Whether write_file creates or overwrites is only knowable before the tool runs.
          s.pendingEdits.set(callId, {
            path: abs,
            change: name === 'write_file' && !fs.existsSync(abs) ? 'add' : 'update',
          });
        }
        if (name === 'write_todos' && Array.isArray(obj(input)?.todos)) {
          events.push({
            t: 'plan',
            runId,
            items: (obj(input)!.todos as unknown[]).map((td) => ({
              text: str(obj(td)?.description) ?? '',
              done: obj(td)?.status === 'completed',
            })),
            raw: o,
          });
        }
        return events;
      }
      case 'tool_result': {
        const callId = str(o.tool_id) ?? '';
        const ok = o.status === 'success';
        const events: AgentEvent[] = [
          {
            t: 'tool_result',
            runId,
            callId,
            ok,
            output: truncateOutput(str(o.output) ?? str(obj(o.error)?.message)),
            raw: o,
          },
        ];
        const edit = s.pendingEdits.get(callId);
        s.pendingEdits.delete(callId);
        if (ok && edit) events.push({ t: 'file_change', runId, path: edit.path, change: edit.change, raw: o });
        return events;
      }
      case 'error': {
        const message = str(o.message) ?? str(obj(o.error)?.message) ?? 'error';
        const status = statusInText(message);
        if (status) s.lastApiError = { status, message };
        return [{ t: 'notice', runId, level: 'warn', message, raw: o }];
      }
      case 'result': {
        const stats = obj(o.stats);
        s.usage = {
          inputTokens: num(stats?.input_tokens),
          outputTokens: num(stats?.output_tokens),
          cacheReadTokens: num(stats?.cached),
        };
        const ok = o.status === 'success';
        const errorMessage = ok
          ? undefined
          : (str(obj(o.error)?.message) ?? `gemini reported status '${shownValue(o.status)}'`);
        s.native = {
          status: ok ? 'success' : 'error',
          text: s.lastText,
          errorMessage,
          // Gemini's result is final: it has used its own retries.
          errorKind: errorMessage ? apiErrorKind(statusInText(errorMessage), errorMessage) : undefined,
          raw: o,
        };
        return [{ t: 'usage', runId, ...s.usage, raw: o }];
      }
      default:
        return [
          { t: 'notice', runId, level: 'info', message: `unrecognized gemini event '${shownValue(o.type)}'`, raw: o },
        ];
    }
  }

  finalize(exit: ExitInfo, s: GeminiState): ReturnType<typeof finalizeFromState> {
    return finalizeFromState(exit, s);
  }
}
