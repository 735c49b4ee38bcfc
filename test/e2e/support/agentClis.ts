import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Where scripts/install-agent-clis.sh puts the pinned CLIs. */
export const AGENT_CLIS_DIR = process.env.AGENT_CLIS ?? path.join(os.homedir(), '.cache', 'spectask-agent-clis');

/** The pinned versions (keep in sync with scripts/install-agent-clis.sh). */
export const PINNED = { claude: '2.1.330', codex: '0.169.0', gemini: '0.61.0' } as const;
const PACKAGE = { claude: '@anthropic-ai/claude-code', codex: '@openai/codex', gemini: '@google/gemini-cli' } as const;

/**
 * The path of a pinned CLI binary. Throws (so the test FAILS, never skips) when it is missing or at another
 * version: CI installs them, and a silent skip would hide a broken install.
 */
export function agentCli(name: keyof typeof PINNED): string {
  const bin = path.join(AGENT_CLIS_DIR, 'node_modules', '.bin', name);
  const pkgJson = path.join(AGENT_CLIS_DIR, 'node_modules', PACKAGE[name], 'package.json');
  const fix = `Run scripts/install-agent-clis.sh (installs the pinned CLIs into ${AGENT_CLIS_DIR}; set AGENT_CLIS to use another folder).`;
  if (!fs.existsSync(bin) || !fs.existsSync(pkgJson))
    throw new Error(`The ${name} CLI is not installed at ${bin}. ${fix}`);
  const version = (JSON.parse(fs.readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  if (version !== PINNED[name])
    throw new Error(`${PACKAGE[name]} is ${version} but the e2e tier is pinned to ${PINNED[name]}. ${fix}`);
  return bin;
}

/** When set, every run's raw stdout is written there, one JSONL file per scenario (to refresh unit fixtures). */
export const RECORD_DIR = process.env.SPECTASK_RECORD_FIXTURES;

/** An `onStdoutLine` that records to `<RECORD_DIR>/<name>.jsonl` when recording is on. */
export function recorder(name: string): ((line: string) => void) | undefined {
  if (!RECORD_DIR) return undefined;
  fs.mkdirSync(RECORD_DIR, { recursive: true });
  const file = path.join(RECORD_DIR, `${name}.jsonl`);
  fs.writeFileSync(file, '');
  return (line) => fs.appendFileSync(file, `${line}\n`);
}
