import * as fs from 'node:fs';
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
  type InvocationContext,
} from './cliAdapter';
import { parseJsonLine } from './lineSplitter';
import { toolKind, toolPaths } from './toolKinds';
import { assertSafeModelName } from './modelName';
import { assertSafeSessionId } from './sessionId';

/** Settings of the Gemini back-end that are not per run. */
export interface GeminiAdapterOptions {
  /** `gemini` on PATH by default. */
  binary?: string;
  extraArgs?: string[];
  extraEnv?: Record<string, string>;
}

/** Host variables Gemini CLI may inherit. */
export const GEMINI_ENV_ALLOW = [
  'GEMINI_API_KEY',
  'GOOGLE_API_KEY',
  'GOOGLE_GEMINI_BASE_URL',
  'GOOGLE_GENAI_USE_VERTEXAI',
  'GOOGLE_CLOUD_PROJECT',
  'GOOGLE_CLOUD_LOCATION',
  'GOOGLE_APPLICATION_CREDENTIALS',
];

interface GeminiState extends BaseParseState {
  /** Edits announced by tool_use, reported as file changes once their tool_result succeeds. */
  pendingEdits: Map<string, { path: string; change: 'add' | 'update' }>;
  /** Assistant text arrives as deltas; the final text is the run of deltas since the last tool call. */
  textRun: string;
}

/** `~/.gemini/settings.json` for an isolated HOME: API-key auth, no telemetry, no folder-trust prompt (§5.3). */
export function geminiSettings(useApiKey: boolean): string {
  return `${JSON.stringify(
    {
      security: { ...(useApiKey ? { auth: { selectedType: 'gemini-api-key' } } : {}), folderTrust: { enabled: false } },
      telemetry: { enabled: false },
      privacy: { usageStatisticsEnabled: false },
    },
    null,
    2,
  )}\n`;
}

/** Gemini CLI (`gemini -p --output-format stream-json`), agent-backends.md §2.4. */
export class GeminiAdapter implements CliAdapter<GeminiState> {
  readonly backend = 'gemini' as const;
  readonly envAllow = GEMINI_ENV_ALLOW;

  constructor(private readonly opts: GeminiAdapterOptions = {}) {}

  buildInvocation(req: StartRequest, ctx: InvocationContext): Invocation {
    const prompt = req.appendSystemPrompt ? `${req.appendSystemPrompt}\n\n${req.prompt}` : req.prompt;
    // `--prompt=<text>` keeps a prompt that starts with "-" a value.
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
        args.push('--approval-mode', 'auto_edit');
        if (p.allow.length) args.push('--allowed-tools', ...p.allow.map((c) => `run_shell_command(${c})`));
        break;
      case 'full':
        args.push('--approval-mode', 'yolo');
        break;
    }
    if (req.extraDirs?.length) args.push('--include-directories', req.extraDirs.join(','));
    args.push(...(this.opts.extraArgs ?? []));
    const ep = req.endpoint;
    const files = req.stateDir
      ? [
          {
            path: path.join(req.stateDir, '.gemini', 'settings.json'),
            content: geminiSettings(!!ep?.apiKey || !!ctx.sourceEnv.GEMINI_API_KEY),
          },
        ]
      : [];
    const env = buildAgentEnv(ctx.sourceEnv, this.envAllow, {
      ...(req.stateDir ? { HOME: req.stateDir } : {}),
      ...(ep?.baseUrl ? { GOOGLE_GEMINI_BASE_URL: ep.baseUrl } : {}),
      ...(ep?.apiKey ? { [ep.apiKeyEnv ?? 'GEMINI_API_KEY']: ep.apiKey } : {}),
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
        return [{ t: 'session', runId, backend: this.backend, sessionId: s.sessionId, model: s.model, raw: o }];
      case 'message': {
        if (o.role !== 'assistant') return [];
        const text = str(o.content) ?? '';
        s.textRun = o.delta === true ? s.textRun + text : text;
        s.lastText = s.textRun;
        return [{ t: 'text', runId, text, delta: o.delta === true, raw: o }];
      }
      case 'tool_use': {
        s.textRun = '';
        const name = str(o.tool_name) ?? 'unknown';
        const input = o.parameters;
        const callId = str(o.tool_id) ?? '';
        const paths = toolPaths(input);
        const events: AgentEvent[] = [
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
      case 'error':
        return [
          {
            t: 'notice',
            runId,
            level: 'warn',
            message: str(o.message) ?? str(obj(o.error)?.message) ?? 'error',
            raw: o,
          },
        ];
      case 'result': {
        const stats = obj(o.stats);
        s.usage = {
          inputTokens: num(stats?.input_tokens),
          outputTokens: num(stats?.output_tokens),
          cacheReadTokens: num(stats?.cached),
        };
        const ok = o.status === 'success';
        s.native = {
          status: ok ? 'success' : 'error',
          text: s.lastText,
          errorMessage: ok ? undefined : (str(obj(o.error)?.message) ?? `gemini reported status '${String(o.status)}'`),
          raw: o,
        };
        return [{ t: 'usage', runId, ...s.usage, raw: o }];
      }
      default:
        return [
          { t: 'notice', runId, level: 'info', message: `unrecognized gemini event '${String(o.type)}'`, raw: o },
        ];
    }
  }

  finalize(exit: ExitInfo, s: GeminiState): ReturnType<typeof finalizeFromState> {
    return finalizeFromState(exit, s);
  }
}
