import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PermissionPolicy } from '../../../../src/core/agents/agentBackend';
import { BUILTIN_ACP_AGENTS } from '../../../../src/core/agents/acp/acpAgents';
import { acpCommandFor } from '../../../../src/core/agents/acp/acpBackend';

// codex-acp wrote nothing at edit and edit+commands inside our sandbox: its default mode hands escalations to
// codex's reviewer model, and its own sandbox helper refuses to start from a home inside the temp dir.
describe('ACP back-end: codex-acp runs in the mode of the permission level, its sandbox helper able to start', () => {
  const codex = BUILTIN_ACP_AGENTS.find((a) => a.name === 'codex')!;
  const commandAt = (permissions: PermissionPolicy) =>
    acpCommandFor(codex, { taskId: '1', worktree: '/w', prompt: 'p', permissions });

  it('picks the codex-acp mode of each level: asking the client, or without its own sandbox at full', () => {
    const levels: PermissionPolicy[] = [
      { mode: 'read-only' },
      { mode: 'edit' },
      { mode: 'edit+commands', allow: [] },
      { mode: 'full' },
    ];
    const modes = levels.map((p) => commandAt(p).env?.INITIAL_AGENT_MODE);
    assert.deepEqual(modes, ['read-only', 'workspace-write', 'workspace-write', 'agent-full-access']);
  });

  it('gives codex a temp dir inside its home when that home lies in the temp dir, and leaves a real home alone', () => {
    const fix = commandAt({ mode: 'edit' }).fixEnv!;
    const tmpHome = path.join(os.tmpdir(), 'someone');
    const env: Record<string, string> = { HOME: tmpHome };
    const files = fix(env);
    assert.equal(env.TMPDIR, path.join(tmpHome, '.codex', 'tmp'));
    assert.deepEqual(
      files.map((f) => f.path),
      [path.join(tmpHome, '.codex', 'tmp', 'README')],
    );
    const real: Record<string, string> = { HOME: '/home/someone' };
    assert.deepEqual(fix(real), []);
    assert.equal(real.TMPDIR, undefined);
  });
});
