import * as fs from 'node:fs';

/** Live processes whose working directory lies inside `dir` (an agent of this machine still running). */
export function processesIn(dir: string): string[] {
  const found: string[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cwd = fs.readlinkSync(`/proc/${name}/cwd`);
      if (cwd !== dir && !cwd.startsWith(`${dir}/`)) continue;
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') continue;
      const cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (!cmdline) continue; // exiting: its memory, and with it its command line, is already gone
      found.push(`${name} ${cmdline.slice(0, 100)}`);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/**
 * Removes a test's temporary folder once no process works inside it any more (up to 10 s), and with retries. An
 * ACP adapter's own agent process (claude-agent-acp's `claude`) outlives the adapter by about a second after a
 * finished run, saving its state into the test's scratch home (CI33: ENOTEMPTY in an after-each hook); a git push
 * a slow remote answered late still writes a clone's refs after its orchestrator was disposed (unit tier,
 * `localRelease`). Still
 * running after 10 s, it is a leftover, and the folder's removal says so.
 */
export function removeWhenIdle(folder: string): void {
  const end = Date.now() + 10_000;
  while (processesIn(folder).length && Date.now() < end)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  const left = processesIn(folder);
  try {
    fs.rmSync(folder, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch (e) {
    throw new Error(`${(e as Error).message} (processes still working inside: ${left.join('; ') || 'none'})`);
  }
}
