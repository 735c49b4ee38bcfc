import { PRODUCT_NAME, PRODUCT_VERSION } from '../core/version';
import { DESIGN_DOCS_COMMANDS } from './designDocsCommands';
import { fleetCommand, lifecycleCommand, queueCommand, runCommand } from './orchestratorCommands';
import type { Interruption } from './interruption';
import { syncCommand } from './syncCommand';
import { workerCommand } from './workerCommand';
import { stopCommand } from './stopCommand';
import { mcpCommand } from './mcpCommand';
import { CLI_BACKEND_IDS } from './orchestratorSettings';
import { runCommandLine, type CliCommand } from './cliRun';
import { runCliProcess } from './cliProcess';

/** Every command; the design-docs ones also run from the small entry (cliEntry.ts) without this bundle. */
const COMMANDS: Record<string, CliCommand> = {
  ...DESIGN_DOCS_COMMANDS,
  run: runCommand,
  fleet: fleetCommand,
  start: lifecycleCommand('start'),
  'skip-planning': lifecycleCommand('skip-planning'),
  approve: lifecycleCommand('approve'),
  'request-changes': lifecycleCommand('request-changes'),
  reject: lifecycleCommand('reject'),
  accept: lifecycleCommand('accept'),
  queue: queueCommand,
  retry: lifecycleCommand('retry'),
  archive: lifecycleCommand('archive'),
  restore: lifecycleCommand('restore'),
  sync: syncCommand,
  worker: workerCommand,
  stop: stopCommand,
  mcp: mcpCommand,
};

const HELP = `Usage: spectask <command> [options]

Commands:
  init                              create or adopt the design-docs branch and its worktree (repairs it)
  create <title> [--prompt <text>]  create a SpecTask folder (requirements.md, design.md, tasks.md, spectask.json)
         [--priority <p>]           low | medium | high | critical
         [--depends-on 3,4]         SpecTasks that must be done before this one starts
  depends-on <id> <ids|none>        change what a SpecTask waits for (a cycle is refused, with its path)
  list [--json]                     list SpecTasks with status and checklist progress
  show <id> [--json]                one SpecTask: status, progress, current item with context
  checklist <file> [--json]         parse any checklist file: items (line, depth, state, id), progress,
           [--context <n>]          current item and <n> items of context (default 2); no repository needed
  mark <id> <item> <state>          set a checklist item to todo, doing or done and commit it;
                                    <item> is its number (1-based), its id (T3) or its text
  sync [--remote <name>]            share the design-docs branch with your team: commit pending changes, fetch,
                                    fast-forward or rebase ours on the teammates' commits, push (never forced);
                                    a conflict no rule settles stops with the files named and nothing changed
  run [--until-idle]                the orchestrator, headless: plans and implements queued SpecTasks with real
                                    agents; live view on a terminal, one line per change otherwise; Ctrl+C stops
  worker [--remote origin] [--lease <seconds>] [--max-agents <n>] [--until-idle]
                                    take queued SpecTasks through the git remote (claims), run them here
  fleet [--json] [--remote <name>]  the fleet snapshot the dashboard shows (cards, phases, current items), with
                                    the live view of a running \`run\`/worker/VS Code; --remote: workers' runs too
  stop <id> [--remote <name>]       stop a run a worker holds (a stop request it obeys at its next fetch)
  start <id>                        start planning            skip-planning <id>   implement without a spec
  approve <id>                      approve the spec          reject <id>          reject the spec (archives)
  request-changes <id> --comment <text> [--document <doc> --line <n> --quote <text>]
                                    send a review comment to the same agent (spec review or code review)
  accept <id>                       put the implementation in the integration queue; \`run\` rebases it onto its
                                    base, runs the project's tests and fast-forwards the base only if they pass
  queue [--json]                    the integration queue in order: place, and why a SpecTask waits
  mcp [--allow-writes]              an MCP server on stdin/stdout (Claude Code, Codex, Gemini, VS Code): the
                                    fleet and the documents; creating and changing SpecTasks needs --allow-writes
  retry <id> | archive <id> | restore <id>
  help, --version

Orchestrator options (run, and the commands above):
  --backend <id>                    ${CLI_BACKEND_IDS.join(' | ')} (both phases)
  --planning-backend <id>, --implementation-backend <id>, --model <name>
  --custom-command <json>           argv template of a custom agent CLI: '["agent","--cwd","{cwd}","{prompt}"]'
  --backend acp:<name>              an ACP agent of the built-in list (gemini, claude, codex, copilot, goose,
                                    opencode, qwen, kiro, cursor); --acp-command '["my-agent","--acp"]' any other
  --cap-planning <n> (3), --cap-implementation <n> (5), --permission edit|edit+commands|full
  --max-nudges <n> (2), --max-retries <n> (1), --idle-timeout <seconds>
  --agent-priority lower|normal     CPU priority of agents and their commands (lower: the machine stays
                                    responsive while many agents build and test at once)
  --test-command <cmd>              the integration queue's test command (default: detected; "none": untested)
  --test-timeout <seconds> (1800), --integration-strategy rebase|merge
  --file-overlap off|warn|hold      implementations predicted to touch the same files: hold one back (default),
                                    start both with a warning, or ignore the prediction
  --no-sandbox                      run agents without the bubblewrap sandbox (Linux; also SPECTASK_SANDBOX=off)
  Environment: SPECTASK_TEST_COMMAND, SPECTASK_CLAUDE_PATH, SPECTASK_CODEX_PATH, SPECTASK_GEMINI_PATH, SPECTASK_OPENAI_BASE_URL,
  SPECTASK_OPENAI_MODEL, SPECTASK_OPENAI_API_KEY, SPECTASK_ACP_AGENT, SPECTASK_ACP_COMMAND, SPECTASK_SANDBOX; each CLI's own key variables (ANTHROPIC_API_KEY, …).

Options:
  --repo <path>     the repository (default: the current folder)
  --branch <name>   the design-docs branch (default: helix-design-docs; helix-specs is adopted)
  --push            push the design-docs branch after committing (never forced)
  --json            stable machine-readable output (see src/cli/JSON.md)

Exit codes: 0 success, 1 failure (message on stderr), 2 wrong usage.
`;

/**
 * Headless command line over src/core. Returns the exit code instead of exiting, so tests can call it.
 * Errors go to `err` as one line: `spectask: <message>`.
 */
export async function main(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
  cwd: string = process.cwd(),
  interrupted?: Promise<void> | Interruption,
): Promise<number> {
  const [first] = argv;
  if (first === '--version' || first === '-v') {
    out.write(`${PRODUCT_VERSION}\n`);
    return 0;
  }
  if (!first || first === 'help' || first === '--help' || first === '-h') {
    out.write(`${PRODUCT_NAME} ${PRODUCT_VERSION}\n\n${HELP}`);
    return 0;
  }
  return runCommandLine(COMMANDS, argv, { out, err, cwd, interrupted });
}

/** Runs this bundle's CLI on the process's command line (dist/cli.js hands every command it lacks to it). */
export function runAsProcess(): void {
  runCliProcess(main);
}

if (require.main === module) runAsProcess();
