// Pure (no `vscode`): what Configure Agent Back-ends and the path-change notice say about a probe, unit-tested.
import type { ProbeResult } from '../../core/agents/agentBackend';
import type { DiscoveredCli } from '../../core/agents/cliDiscovery';

/** "Using /usr/bin/claude 2.1.330 (found in the login shell's PATH)", or "Unavailable: <why>". */
export function probeDetail(result: ProbeResult, found?: DiscoveredCli): string {
  if (!result.available) return `Unavailable: ${result.problem ?? 'unknown reason'}`;
  if (!result.binary) return `Available${result.version ? `: ${result.version}` : ''}`;
  const where = found && found.path === result.binary ? ` (found in ${found.place})` : '';
  return `Using ${result.binary}${result.version ? ` ${result.version}` : ''}${where}`;
}

/** The notice after a binary path setting changed: what is used now, or why it cannot be. */
export function pathChangeNotice(
  label: string,
  result: ProbeResult,
  found?: DiscoveredCli,
): { ok: boolean; text: string } {
  if (!result.available) return { ok: false, text: backendRefusalText(label, 'run', result.problem) };
  const version = result.version ? ` ${result.version}` : '';
  const where = found && found.path === result.binary ? `, found in ${found.place}` : '';
  return { ok: true, text: `${label}: using ${result.binary ?? 'the configured binary'}${version}${where}.` };
}

/**
 * One sentence saying why a back-end cannot `verb`: "Claude Code cannot plan: 'claude' was not found in PATH or
 * ~/.local/bin." — the first sentence of the probe's problem, without the label it repeats.
 */
export function backendRefusalText(label: string, verb: string, problem: string | undefined): string {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const reason = (problem ?? 'it is unavailable')
    .replace(new RegExp(`^${escaped}[^:]{0,20}:\\s+`), '')
    .split(/(?<=[.!?])\s+(?=[A-Z`'"])/)[0]!
    .trim()
    .replace(/[.!?]$/, '');
  return `${label} cannot ${verb}: ${reason || 'it is unavailable'}.`;
}
