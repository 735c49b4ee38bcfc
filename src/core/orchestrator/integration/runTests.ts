import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { buildAgentEnv } from '../../agents/agentEnv';
import type { AgentHost } from '../../agents/agentHost';
import type { TestCommand } from './testCommand';

/** What is kept of a test run's output: its start and its end (where the summary is), at most this much. */
export const TEST_OUTPUT_CAP = 1024 * 1024;
const HEAD_BYTES = 64 * 1024;

export interface TestRunResult {
  passed: boolean;
  /** The command never started (not installed): nothing the agent can fix. */
  startFailed?: boolean;
  /** "tests failed: 2 failing", "tests timed out after 30 min", "npm test passed". */
  summary: string;
  /** The last lines of the output, for the agent's prompt. */
  tail: string;
  /** Where the whole (capped) output was written, mode 0600. */
  outputFile?: string;
}

/** Keeps the first HEAD_BYTES and the last bytes up to the cap, whatever the process writes. */
class CappedOutput {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private dropped = 0;

  push(chunk: Buffer): void {
    if (this.headBytes < HEAD_BYTES) {
      const take = chunk.subarray(0, HEAD_BYTES - this.headBytes);
      this.head.push(take);
      this.headBytes += take.length;
      chunk = chunk.subarray(take.length);
    }
    if (!chunk.length) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    const room = TEST_OUTPUT_CAP - HEAD_BYTES;
    while (this.tailBytes > room && this.tail.length) {
      const first = this.tail[0]!;
      const over = this.tailBytes - room;
      if (first.length <= over) {
        this.tail.shift();
        this.tailBytes -= first.length;
        this.dropped += first.length;
      } else {
        this.tail[0] = first.subarray(over);
        this.tailBytes -= over;
        this.dropped += over;
      }
    }
  }

  text(): string {
    const cut = this.dropped ? `\n[… ${this.dropped} bytes left out …]\n` : '';
    return Buffer.concat(this.head).toString('utf8') + cut + Buffer.concat(this.tail).toString('utf8');
  }
}

/** "2 failing" (mocha), "3 failed" (jest, pytest, vitest): the last count the output names, if any. */
export function failureCount(output: string): string | undefined {
  const all = [...output.matchAll(/(\d+) (failing|failed)\b/gi)];
  const last = all.at(-1);
  return last ? `${last[1]} ${last[2]!.toLowerCase()}` : undefined;
}

/**
 * Runs the test command in the scratch worktree through the agent host (so the sandbox that wraps agents
 * wraps the tests too: the tests are the agent's code), with the agents' allow-listed environment, CI=1 (no
 * watch modes), a time limit, and the output kept in `outputFile` (0600, capped).
 */
export async function runTests(opts: {
  host: AgentHost;
  command: TestCommand;
  cwd: string;
  timeoutMs: number;
  outputFile: string;
  sourceEnv?: Readonly<Record<string, string | undefined>>;
}): Promise<TestRunResult> {
  const { command } = opts;
  if (command.kind === 'none') return { passed: true, summary: command.label, tail: '' };
  const out = new CappedOutput();
  const proc = opts.host.launch({
    command: command.argv[0]!,
    args: command.argv.slice(1),
    cwd: opts.cwd,
    env: buildAgentEnv(opts.sourceEnv ?? process.env, [], { CI: '1' }),
    stdin: 'ignore',
  });
  proc.stdout.on('data', (c: Buffer) => out.push(c));
  proc.stderr.on('data', (c: Buffer) => out.push(c));
  let timedOut = false;
  const timer =
    opts.timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          void proc.killTree({ softSignal: 'SIGTERM', graceMs: 2000 });
        }, opts.timeoutMs)
      : undefined;
  const exit = await proc.closed;
  if (timer) clearTimeout(timer);
  const text = out.text();
  await fs.mkdir(path.dirname(opts.outputFile), { recursive: true, mode: 0o700 });
  await fs.writeFile(opts.outputFile, text, { mode: 0o600 });
  await fs.chmod(opts.outputFile, 0o600);
  const tail = text.split('\n').slice(-40).join('\n').slice(-4000);
  if (exit.error)
    return {
      passed: false,
      startFailed: true,
      summary: `the test command could not start: ${exit.error.code ?? exit.error.message}`,
      tail,
      outputFile: opts.outputFile,
    };
  if (timedOut)
    return {
      passed: false,
      summary: `tests timed out after ${Math.round(opts.timeoutMs / 60_000) || 1} min`,
      tail,
      outputFile: opts.outputFile,
    };
  if (exit.code === 0) return { passed: true, summary: `${command.label} passed`, tail, outputFile: opts.outputFile };
  const count = failureCount(text);
  return {
    passed: false,
    summary: `tests failed: ${count ?? (exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`)}`,
    tail,
    outputFile: opts.outputFile,
  };
}
