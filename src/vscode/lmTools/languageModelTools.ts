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

interface ToolBody {
  run(input: Input): Promise<unknown>;
  /** For a tool that changes state: what the person is asked to confirm (the input is checked first). */
  confirm?(input: Input): { title: string; message: vscode.MarkdownString };
  /** What the chat shows while the tool runs. */
  progress(input: Input): string;
}

/**
 * Registers the tools VS Code's agent mode (or any chat participant) calls through `vscode.lm.invokeTool`. Each
 * runs through SpecTaskService, so a model reaches exactly what the public API reaches, validated the same way;
 * one that changes state asks the person first (prepareInvocation's confirmation messages).
 */
export function registerLanguageModelTools(service: SpecTaskService): vscode.Disposable {
  const store = new DisposableStore();
  const bodies: Record<(typeof LANGUAGE_MODEL_TOOLS)[number], ToolBody> = {
    spectask_fleet_status: {
      run: async () => ({ tasks: service.listSpecTasks(), counts: service.fleetSnapshot().counts }),
      progress: () => 'Reading the SpecTask fleet',
    },
    spectask_get_documents: {
      run: (input) => service.getDocuments(input),
      progress: (input) => `Reading the documents of SpecTask ${String(input.taskId)}`,
    },
    spectask_create: {
      run: (input) => service.createSpecTask(input),
      confirm: (input) => ({
        title: 'Create a SpecTask?',
        message: plain(
          `Create the SpecTask "${parseTitle(input.title)}"${input.start === 'plan' ? ' and queue it for planning by an agent' : ' in the backlog'}.`,
        ),
      }),
      progress: () => 'Creating a SpecTask',
    },
    spectask_request_changes: {
      run: (input) => service.requestChanges(input),
      confirm: (input) => ({
        title: 'Request changes?',
        message: plain(
          `Send this comment to the agent of SpecTask ${parseTaskId(input.taskId)}:\n\n${parseComment(input.comment)}`,
        ),
      }),
      progress: (input) => `Requesting changes to SpecTask ${String(input.taskId)}`,
    },
  };
  for (const name of LANGUAGE_MODEL_TOOLS) {
    const body = bodies[name];
    store.add(
      vscode.lm.registerTool<Input>(name, {
        prepareInvocation: (options) => {
          const input = parseRecord(options.input, 'the input');
          const confirmation = body.confirm?.(input);
          return {
            invocationMessage: body.progress(input),
            ...(confirmation ? { confirmationMessages: confirmation } : {}),
          };
        },
        invoke: async (options) =>
          new vscode.LanguageModelToolResult([
            new vscode.LanguageModelTextPart(JSON.stringify(await body.run(options.input), null, 2)),
          ]),
      }),
    );
  }
  return store;
}

/** Text as Markdown that renders as typed: a model's title or comment is not markup (no links, no images). */
function plain(text: string): vscode.MarkdownString {
  return new vscode.MarkdownString().appendText(text);
}
