/** Wrong use of the command line; the CLI prints the message and exits with code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parsed command line: the command, its positional arguments and its `--options`. */
export interface ParsedArgs {
  command?: string;
  positionals: string[];
  /** `--flag` → true, `--opt value` / `--opt=value` → the value. */
  options: Map<string, string | true>;
}

/**
 * Splits argv into command, positionals and options. `valueOptions` names the options that take a value;
 * any other `--x` is a boolean flag. `--` ends option parsing. Unknown options are rejected by the command.
 */
export function parseArgs(argv: readonly string[], valueOptions: ReadonlySet<string>): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (valueOptions.has(name)) {
        const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
        if (value === undefined) throw new UsageError(`--${name} needs a value`);
        options.set(name, value);
      } else {
        if (eq > 0) throw new UsageError(`--${name} does not take a value`);
        options.set(name, true);
      }
    } else positionals.push(a);
  }
  const [command, ...rest] = positionals;
  return { command, positionals: rest, options };
}

/** Rejects options a command does not know, naming them. */
export function allowOnly(args: ParsedArgs, allowed: readonly string[]): void {
  for (const k of args.options.keys())
    if (!allowed.includes(k)) throw new UsageError(`unknown option --${k} for '${args.command}'`);
}

/** The value of a value option, or undefined. */
export function optionValue(args: ParsedArgs, name: string): string | undefined {
  const v = args.options.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** Exactly `n` positionals, or a usage error that shows `usage`. */
export function expectPositionals(args: ParsedArgs, n: number, usage: string): string[] {
  if (args.positionals.length !== n) throw new UsageError(`usage: ${usage}`);
  return args.positionals;
}
