// A CPU profile of one stretch of a benchmark (issue 24 asks for "the profile that showed each hot spot"):
// `node --cpu-prof` profiles the whole process, fleet set-up included; this profiles only what it wraps.
import * as fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import * as path from 'node:path';

/**
 * Starts profiling when `dir` is set; the returned function stops and writes `<dir>/<name>.cpuprofile` (open it
 * in Chrome's DevTools or VS Code). Without `dir`, nothing is profiled and the function does nothing.
 */
export async function profileStretch(dir: string | undefined, name: string): Promise<() => Promise<void>> {
  if (!dir) return async () => {};
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
  };
}
