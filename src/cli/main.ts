import { DesignDocsSyncError } from '../core/docs/designDocsSync';
import { RepositoryRefusedError } from '../core/git/gitErrors';
import { PRODUCT_NAME, PRODUCT_VERSION } from '../core/version';
import { parseArgs, UsageError, type ParsedArgs } from './cliArgs';
import {
  checklistCommand,
  createCommand,
  dependsOnCommand,
  initCommand,
  listCommand,
  markCommand,
  showCommand,
} from './designDocsCommands';
import { fleetCommand, lifecycleCommand, queueCommand, runCommand, type RunIO } from './orchestratorCommands';
import { Interruption, interruptionFromSignals } from './interruption';
import { syncCommand } from './syncCommand';
import { WORKER_VALUE_OPTIONS, workerCommand } from './workerCommand';
import { stopCommand } from './stopCommand';
import { mcpCommand } from './mcpCommand';
import { CLI_BACKEND_IDS } from './orchestratorSettings';
import { useGitWorker } from '../core/git/gitExecutor';

/** Options that take a value, for every command. */
const VALUE_OPTIONS = new Set([
  'repo',
  'branch',
  'prompt',
  'priority',
  'context',
  'backend',
  'planning-backend',
  'implementation-backend',
  'model',
  'custom-command',
  'acp-command',
  'cap-planning',
  'cap-implementation',
  'permission',
  'max-nudges',
  'max-retries',
  'idle-timeout',
  'agent-priority',
  'comment',
  'document',
  'line',
  'quote',
  'note',
  'remote',
  'depends-on',
  'test-command',
  'test-timeout',
  'integration-strategy',
  'file-overlap',
  ...WORKER_VALUE_OPTIONS,
]);

const COMMANDS: Record<string, (args: ParsedArgs, io: RunIO) => Promise<number>> = {
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
  init: initCommand,
  create: createCommand,
  'depends-on': dependsOnCommand,
  list: listCommand,
  show: showCommand,
  checklist: checklistCommand,
  mark: markCommand,
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
  try {
    const args = parseArgs(argv, VALUE_OPTIONS);
    const run = args.command ? COMMANDS[args.command] : undefined;
    if (!run) throw new UsageError(`unknown command '${args.command ?? first}'. Run 'spectask help'.`);
    const interruption = interrupted instanceof Interruption ? interrupted : undefined;
    return await run(args, {
      out,
      cwd,
      err,
      interrupted: interrupted instanceof Interruption ? interrupted.requested : interrupted,
      onForce: interruption && ((h) => interruption.onForce(h)),
    });
  } catch (e) {
    if (e instanceof UsageError) {
      err.write(`spectask: ${e.message}\n`);
      return 2;
    }
    const code = e instanceof RepositoryRefusedError || e instanceof DesignDocsSyncError ? ` [${e.code}]` : '';
    err.write(`spectask: ${e instanceof Error ? e.message : String(e)}${code}\n`);
    return 1;
  }
}

if (require.main === module) {
  // The first Ctrl+C (or SIGTERM) stops gracefully: every agent gets its soft interrupt, a grace period, then
  // its tree is killed, before the CLI exits. A second Ctrl+C kills the agents at once and exits.
  const interruption = interruptionFromSignals();
  // Exit only once stdout and stderr have drained: a pipe takes 64 KiB at a time, and process.exit() would
  // cut `spectask list --json` short when its output is read by another program.
  const exit = (code: number) => process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  // Only the long-running orchestrator starts git from the helper process; one-shot commands spare starting it.
  useGitWorker(process.argv[2] === 'run' || process.argv[2] === 'worker');
  main(process.argv.slice(2), process.stdout, process.stderr, process.cwd(), interruption).then(exit, (err) => {
    process.stderr.write(`spectask: ${err instanceof Error ? err.message : String(err)}\n`);
    exit(1);
  });
}
