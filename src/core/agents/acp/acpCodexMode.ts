import type { PermissionPolicy } from '../agentBackend';

/**
 * The codex-acp mode (its `INITIAL_AGENT_MODE`, read for new and resumed sessions alike) for a permission level.
 * Its default, `agent`, hands escalations to codex's own reviewer model ("auto review"), so the level would never
 * be asked; `workspace-write` asks the client (`session/request_permission`) for anything outside the worktree
 * and the SpecTask folder. At `full` codex's own sandbox is dropped, as the native back-end does
 * (`--dangerously-bypass-approvals-and-sandbox`): ours still confines it.
 */
export function codexAcpMode(permissions: PermissionPolicy): string {
  switch (permissions.mode) {
    case 'read-only':
      return 'read-only';
    case 'full':
      return 'agent-full-access';
    default:
      return 'workspace-write';
  }
}
