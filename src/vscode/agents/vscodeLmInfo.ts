import type { BackendInfo } from '../../core/agents/backendRegistry';
import { TOOL_LOOP_CAPABILITIES } from '../../core/agents/toolLoopRun';

/**
 * What every surface shows of the VS Code LM back-end. Apart from the back-end itself (which needs the `vscode`
 * module), so that the unit tests can check package.json's setting enums against the whole list.
 */
export const VSCODE_LM_BACKEND_INFO: BackendInfo = {
  id: 'vscode-lm',
  label: 'VS Code language model',
  description: "A VS Code language model (e.g. GitHub Copilot) with SpecTask's own tool loop",
  capabilities: TOOL_LOOP_CAPABILITIES,
  order: 50,
};
