import { vscode } from '../vscodeApi';
import type { SpecTaskService } from '../../core/service/specTaskService';
import { parseComment, parseRecord, parseTaskId, parseTitle } from '../../core/service/serviceInput';
import { DisposableStore } from '../../core/lifecycle';

/** The Language Model tools (package.json `contributes.languageModelTools` declares their schemas and descriptions). */
export const LANGUAGE_MODEL_TOOLS = [
  'spectask_fleet_status',
  'spectask_get_documents',
  'spectask_create',
  'spectask_request_changes',
] as const;

type Input = Record<string, unknown>;

export type ToolName = (typeof LANGUAGE_MODEL_TOOLS)[number];

/** What a tool shows before it runs. */
interface ToolPreparation {
  /** For a tool that changes state: what the person is asked to confirm (the input is checked first). */
  confirm?(input: Input): { title: string; message: vscode.MarkdownString };
  /** What the chat shows while the tool runs. */
  progress(input: Input): string;
}

const PREPARATIONS: Record<ToolName, ToolPreparation> = {
  spectask_fleet_status: { progress: () => 'Reading the SpecTask fleet' },
  spectask_get_documents: { progress: (input) => `Reading the documents of SpecTask ${String(input.taskId)}` },
  spectask_create: {
    confirm: (input) => ({
      title: 'Create a SpecTask?',
      message: plain(
        `Create the SpecTask "${parseTitle(input.title)}"${input.start === 'plan' ? ' and queue it for planning by an agent' : ' in the backlog'}.`,
      ),
    }),
    progress: () => 'Creating a SpecTask',
  },
  spectask_request_changes: {
    confirm: (input) => ({
      title: 'Request changes?',
      message: plain(
        `Send this comment to the agent of SpecTask ${parseTaskId(input.taskId)}:\n\n${parseComment(input.comment)}`,
      ),
    }),
    progress: (input) => `Requesting changes to SpecTask ${String(input.taskId)}`,
  },
};

/**
 * What VS Code shows before a tool runs: the progress line, and for a tool that changes state the confirmation
 * the person answers. The input is checked first, so nobody is asked about a call that would be refused.
 */
export function prepareToolInvocation(name: ToolName, rawInput: unknown): vscode.PreparedToolInvocation {
  const input = parseRecord(rawInput, 'the input');
  const p = PREPARATIONS[name];
  const confirmation = p.confirm?.(input);
  return { invocationMessage: p.progress(input), ...(confirmation ? { confirmationMessages: confirmation } : {}) };
}

/**
 * Registers the tools VS Code's agent mode (or any chat participant) calls through `vscode.lm.invokeTool`. Each
 * runs through SpecTaskService, so a model reaches exactly what the public API reaches, validated the same way.
 */
export function registerLanguageModelTools(service: SpecTaskService): vscode.Disposable {
  const store = new DisposableStore();
  const run: Record<ToolName, (input: Input) => Promise<unknown>> = {
    spectask_fleet_status: async () => ({ tasks: service.listSpecTasks(), counts: service.fleetSnapshot().counts }),
    spectask_get_documents: (input) => service.getDocuments(input),
    spectask_create: (input) => service.createSpecTask(input),
    spectask_request_changes: (input) => service.requestChanges(input),
  };
  for (const name of LANGUAGE_MODEL_TOOLS)
    store.add(
      vscode.lm.registerTool<Input>(name, {
        prepareInvocation: (options) => prepareToolInvocation(name, options.input),
        invoke: async (options) =>
          new vscode.LanguageModelToolResult([
            new vscode.LanguageModelTextPart(JSON.stringify(await run[name](options.input), null, 2)),
          ]),
      }),
    );
  return store;
}

/** Text as Markdown that renders as typed: a model's title or comment is not markup (no links, no images). */
function plain(text: string): vscode.MarkdownString {
  // appendText would escape the spaces too (&nbsp;), which the dialog VS Code shows outside a chat prints as is.
  return new vscode.MarkdownString(text.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, '\\$&'));
}
