import { PassThrough } from 'node:stream';
import { main } from '../../../src/cli/main';

// The fixture agent commits its own work, which the sandbox's read-only git directories refuse; until the
// orchestrator makes the commits itself (issue 18), the CLI tests run agents outside the sandbox.
process.env.SPECTASK_SANDBOX ??= 'off';

/** Runs the CLI in-process in `cwd` and captures stdout, stderr and the exit code. */
export async function runCli(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (d) => (o += d));
  err.on('data', (d) => (e += d));
  const code = await main(argv, out, err, cwd);
  return { code, out: o, err: e };
}
