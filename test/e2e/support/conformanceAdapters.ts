import * as fs from 'node:fs';
import * as path from 'node:path';
import { AGENT_CLIS_DIR } from './agentClis';

/** The pinned ACP adapters (scripts/install-agent-clis.sh); gemini's ACP mode is the pinned gemini CLI itself. */
export const ACP_ADAPTERS = {
  'claude-agent-acp': { pkg: '@agentclientprotocol/claude-agent-acp', version: '0.101.0' },
  'codex-acp': { pkg: '@agentclientprotocol/codex-acp', version: '2.6.0' },
} as const;

/** The adapter's binary; throws (the test fails, never skips) when it is missing or at another version. */
export function acpAdapter(name: keyof typeof ACP_ADAPTERS): string {
  const { pkg, version } = ACP_ADAPTERS[name];
  const bin = path.join(AGENT_CLIS_DIR, 'node_modules', '.bin', name);
  const pkgJson = path.join(AGENT_CLIS_DIR, 'node_modules', pkg, 'package.json');
  const fix = `Run scripts/install-agent-clis.sh (installs ${pkg}@${version} into ${AGENT_CLIS_DIR}).`;
  if (!fs.existsSync(bin) || !fs.existsSync(pkgJson)) throw new Error(`${name} is not installed at ${bin}. ${fix}`);
  const have = (JSON.parse(fs.readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  if (have !== version) throw new Error(`${pkg} is ${have} but the e2e tier is pinned to ${version}. ${fix}`);
  return bin;
}
