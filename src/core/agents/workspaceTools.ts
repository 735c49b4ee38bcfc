import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PermissionPolicy, PermissionRequest } from './agentBackend';
import { buildAgentEnv } from './agentEnv';
import type { AgentHost } from './agentHost';
import type { AgentCpuPriority } from './agentPriority';
import type { ToolKind } from './agentEvents';
import type { ChatToolCall, ToolSpec } from './chatModel';
import { isCommandAllowed, splitCommandLine } from './commandLine';
import { gitWriteRefusal, isGitCommand } from './readOnlyGit';
import { localAgentHost } from './localAgentHost';
import { isOutsideWorktree, resolveReal } from './worktreePaths';

/** The tools the in-house loop offers (agent-backends.md §2.7). */
export const WORKSPACE_TOOL_SPECS: readonly ToolSpec[] = [
  {
    name: 'read_file',
    description: 'Read a text file in the workspace.',
    parameters: obj({ path: s('Path relative to the workspace root') }, ['path']),
  },
  {
    name: 'write_file',
    description: 'Create or overwrite a file in the workspace.',
    parameters: obj({ path: s('Path relative to the workspace root'), content: s('The complete new content') }, [
      'path',
      'content',
    ]),
  },
  {
    name: 'edit_file',
    description: 'Replace one exact, unique occurrence of old_string with new_string in a file.',
    parameters: obj(
      {
        path: s('Path relative to the workspace root'),
        old_string: s('Exact text to replace; must occur exactly once'),
        new_string: s('Replacement text'),
      },
      ['path', 'old_string', 'new_string'],
    ),
  },
  {
    name: 'list_dir',
    description: 'List a directory in the workspace.',
    parameters: obj({ path: s('Directory relative to the workspace root; "." for the root') }, []),
  },
  {
    name: 'search',
    description: 'Search files in the workspace for a regular expression; returns path:line: text.',
    parameters: obj({ pattern: s('JavaScript regular expression'), path: s('Directory to search; default the root') }, [
      'pattern',
    ]),
  },
  {
    name: 'run_command',
    description: 'Run one command (no shell syntax) in the workspace root and return its output and exit code.',
    parameters: obj({ command: s('The command line, e.g. npm test') }, ['command']),
  },
];

function s(description: string) {
  return { type: 'string', description };
}
function obj(properties: Record<string, unknown>, required: string[]) {
  return { type: 'object', properties, required, additionalProperties: false };
}

const KIND: Record<string, ToolKind> = {
  read_file: 'read',
  write_file: 'edit',
  edit_file: 'edit',
  list_dir: 'search',
  search: 'search',
  run_command: 'shell',
};

/** What one tool execution produced, for the loop to turn into events and a tool message. */
export interface ToolOutcome {
  ok: boolean;
  /** Sent back to the model. */
  output: string;
  exitCode?: number;
  fileChange?: { path: string; change: 'add' | 'update' | 'delete' };
  /** Set when the permission policy (or the worktree boundary) refused the call. */
  denied?: { reason: string };
  /** Set when the policy was asked (mode `ask`) and allowed it. */
  allowedByPolicy?: boolean;
}

export interface WorkspaceToolOptions {
  worktree: string;
  policy: PermissionPolicy;
  /** The environment commands inherit from (allow-listed; no keys). */
  sourceEnv?: Readonly<Record<string, string | undefined>>;
  commandTimeoutMs?: number;
  /** Output beyond this many characters is cut (the model's context is finite). */
  maxOutputChars?: number;
  /** Absolute folders outside the worktree that paths may also point into (StartRequest.extraDirs). */
  extraRoots?: string[];
  /** CPU priority of the commands (StartRequest.cpuPriority); default `lower`. */
  cpuPriority?: AgentCpuPriority;
  /** Where the commands run (default the local host). */
  host?: AgentHost;
}

/** Normalized kind of a workspace tool. */
export function workspaceToolKind(name: string): ToolKind {
  return KIND[name] ?? 'other';
}

/**
 * Runs the loop's tools inside one worktree under the chosen permission policy. Every path is resolved
 * (`..` and symlinks included) and refused when it leaves the worktree; writes into `.git` are refused too, and
 * under an allow-list git runs only subcommands that read: the orchestrator makes every commit.
 */
export class WorkspaceTools {
  private readonly root: string;
  private readonly extraRoots: string[];

  constructor(private readonly opts: WorkspaceToolOptions) {
    this.root = fs.realpathSync(opts.worktree);
    this.extraRoots = (opts.extraRoots ?? []).map((r) => {
      try {
        return fs.realpathSync(r);
      } catch {
        return path.resolve(r);
      }
    });
  }

  async execute(call: ChatToolCall, signal: AbortSignal): Promise<ToolOutcome> {
    const input = call.input;
    if (!input)
      return {
        ok: false,
        output: `Error: the arguments of ${call.name} are not a JSON object: ${call.rawArguments.slice(0, 200)}`,
      };
    const kind = workspaceToolKind(call.name);
    if (kind === 'other') return { ok: false, output: `Error: unknown tool '${call.name}'` };
    const str = (k: string) => (typeof input[k] === 'string' ? (input[k] as string) : undefined);
    const needsWrite = kind === 'edit';
    const target = str('path') ?? '.';
    if (call.name !== 'run_command') {
      const refusal = this.pathRefusal(target, needsWrite);
      if (refusal) return { ok: false, output: `Permission denied: ${refusal}`, denied: { reason: refusal } };
    }
    const verdict = await this.permit(call.name, kind, input, str('command'), signal);
    if (verdict.denied)
      return { ok: false, output: `Permission denied: ${verdict.denied}`, denied: { reason: verdict.denied } };
    try {
      const outcome = await this.run(call.name, input, signal);
      return verdict.asked ? { ...outcome, allowedByPolicy: true } : outcome;
    } catch (err) {
      return { ok: false, output: `Error: ${(err as Error).message}` };
    }
  }

  private pathRefusal(p: string, write: boolean): string | undefined {
    const abs = path.resolve(this.root, p);
    if (isOutsideWorktree(this.root, p)) {
      // Inside a granted extra folder (`..` and symlinks resolved the same way) is allowed; .git never is.
      const extra = this.extraRoots.find((r) => !isOutsideWorktree(r, abs));
      if (!extra) return `'${p}' is outside the workspace`;
      const relExtra = path.relative(extra, resolveReal(extra, abs));
      if (
        write &&
        (relExtra === '.git' ||
          relExtra.startsWith(`.git${path.sep}`) ||
          path.basename(resolveReal(extra, abs)) === '.git')
      )
        return `'${p}' is inside .git; the orchestrator makes every commit`;
      return undefined;
    }
    const rel = path.relative(this.root, resolveReal(this.root, p));
    if (write && (rel === '.git' || rel.startsWith(`.git${path.sep}`)))
      return `'${p}' is inside .git; the orchestrator makes every commit`;
    return undefined;
  }

  private async permit(
    name: string,
    kind: ToolKind,
    input: Record<string, unknown>,
    command: string | undefined,
    signal: AbortSignal,
  ): Promise<{ denied?: string; asked?: boolean }> {
    const p = this.opts.policy;
    if (kind === 'read' || kind === 'search') return {};
    switch (p.mode) {
      case 'read-only':
        return { denied: `${name} is not allowed: the agent may only read` };
      case 'edit':
        return kind === 'edit'
          ? {}
          : { denied: `${name} is not allowed: the agent may edit files but not run commands` };
      case 'edit+commands': {
        if (kind === 'edit') return {};
        const parsed = splitCommandLine(command ?? '');
        if ('error' in parsed) return { denied: `command refused: ${parsed.error}` };
        if (!isCommandAllowed(parsed.argv, p.allow))
          return {
            denied: `'${parsed.argv.join(' ')}' is not in the allowed commands (${p.allow.join(', ') || 'none'})`,
          };
        // Whatever the allow-list says (older defaults allowed `git commit`): agents never write to git.
        const gitRefusal = isGitCommand(parsed.argv) ? gitWriteRefusal(parsed.argv) : undefined;
        return gitRefusal ? { denied: gitRefusal } : {};
      }
      case 'full':
        return {};
      case 'ask': {
        const req: PermissionRequest = {
          tool: name,
          input,
          command,
          paths: typeof input.path === 'string' ? [input.path] : undefined,
        };
        const d = await p.decide(req, signal);
        return d.behavior === 'allow' ? { asked: true } : { denied: d.message };
      }
    }
  }

  private async run(name: string, input: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome> {
    const max = this.opts.maxOutputChars ?? 20_000;
    const cap = (t: string) => (t.length > max ? `${t.slice(0, max)}\n… [${t.length - max} more characters]` : t);
    const p = (k: string) => String(input[k] ?? '.');
    const abs = (rel: string) => resolveReal(this.root, rel);
    switch (name) {
      case 'read_file':
        return { ok: true, output: cap(await fs.promises.readFile(abs(p('path')), 'utf8')) };
      case 'write_file': {
        const file = abs(p('path'));
        const existed = fs.existsSync(file);
        await fs.promises.mkdir(path.dirname(file), { recursive: true });
        await fs.promises.writeFile(file, String(input.content ?? ''));
        return {
          ok: true,
          output: `${existed ? 'Updated' : 'Created'} ${p('path')}`,
          fileChange: { path: file, change: existed ? 'update' : 'add' },
        };
      }
      case 'edit_file': {
        const file = abs(p('path'));
        const text = await fs.promises.readFile(file, 'utf8');
        const oldS = String(input.old_string ?? '');
        const count = oldS ? text.split(oldS).length - 1 : 0;
        if (count !== 1)
          return {
            ok: false,
            output: `Error: old_string occurs ${count} times in ${p('path')}; it must occur exactly once`,
          };
        const at = text.indexOf(oldS);
        await fs.promises.writeFile(
          file,
          text.slice(0, at) + String(input.new_string ?? '') + text.slice(at + oldS.length),
        );
        return { ok: true, output: `Edited ${p('path')}`, fileChange: { path: file, change: 'update' } };
      }
      case 'list_dir': {
        const entries = await fs.promises.readdir(abs(p('path')), { withFileTypes: true });
        return {
          ok: true,
          output: cap(
            entries
              .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
              .sort()
              .join('\n'),
          ),
        };
      }
      case 'search':
        return { ok: true, output: cap(await this.search(String(input.pattern ?? ''), abs(p('path')))) };
      case 'run_command':
        return this.runCommand(String(input.command ?? ''), signal, cap);
    }
    return { ok: false, output: `Error: unknown tool '${name}'` };
  }

  private async search(pattern: string, dir: string): Promise<string> {
    const re = new RegExp(pattern);
    const hits: string[] = [];
    const walk = async (d: string): Promise<void> => {
      for (const e of await fs.promises.readdir(d, { withFileTypes: true })) {
        if (hits.length >= 200) return;
        if (e.name === '.git' || e.name === 'node_modules') continue;
        const f = path.join(d, e.name);
        if (e.isDirectory()) await walk(f);
        else if (e.isFile() && (await fs.promises.stat(f)).size < 1_000_000) {
          const lines = (await fs.promises.readFile(f, 'utf8')).split('\n');
          lines.forEach((l, i) => {
            if (hits.length < 200 && re.test(l)) hits.push(`${path.relative(this.root, f)}:${i + 1}: ${l}`);
          });
        }
      }
    };
    await walk(dir);
    return hits.length ? hits.join('\n') : 'no matches';
  }

  private runCommand(command: string, signal: AbortSignal, cap: (t: string) => string): Promise<ToolOutcome> {
    const fullShell = this.opts.policy.mode === 'full' || this.opts.policy.mode === 'ask';
    let file: string;
    let args: string[];
    if (fullShell && process.platform !== 'win32') {
      file = '/bin/sh';
      args = ['-c', command];
    } else {
      const parsed = splitCommandLine(command);
      if ('error' in parsed) return Promise.resolve({ ok: false, output: `Error: ${parsed.error}` });
      [file, ...args] = parsed.argv as [string, ...string[]];
    }
    const timeoutMs = this.opts.commandTimeoutMs ?? 120_000;
    // The command is the agent's work, like a CLI agent's own tool commands: it yields the CPU to the editor.
    const proc = (this.opts.host ?? localAgentHost).launch({
      command: file,
      args,
      cwd: this.root,
      env: buildAgentEnv(this.opts.sourceEnv ?? process.env, []),
      stdin: 'ignore',
      cpuPriority: this.opts.cpuPriority,
      sandbox: { writable: [this.root, ...this.extraRoots] },
    });
    let out = '';
    const collect = (c: Buffer) => {
      if (out.length < 1_000_000) out += c.toString('utf8');
    };
    proc.stdout.on('data', collect);
    proc.stderr.on('data', collect);
    let why: string | undefined;
    const kill = (reason: string) => {
      why = reason;
      void proc.killTree();
    };
    const timer = setTimeout(() => kill(`timed out after ${timeoutMs} ms`), timeoutMs);
    const onAbort = () => kill('cancelled');
    signal.addEventListener('abort', onAbort, { once: true });
    return proc.closed.then((exit) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (exit.error) return { ok: false, output: `Error: could not run ${file}: ${exit.error.message}` };
      const exitCode = exit.code ?? -1;
      return {
        ok: exitCode === 0 && !why,
        exitCode,
        output: cap(`${out}${why ? `\n[${why}]` : ''}\n[exit code ${exitCode}]`),
      };
    });
  }
}
