/**
 * Splits a command line the model wrote into an argument array, for `run_command` under an allow-list.
 * Quotes are honoured; shell syntax (pipes, `;`, `&&`, redirections, substitutions, globs) is refused
 * rather than interpreted, so `git status; rm -rf ~` can never pass as "a git command".
 */
export function splitCommandLine(line: string): { argv: string[] } | { error: string } {
  const argv: string[] = [];
  let cur = '';
  let inArg = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else cur += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < line.length && '"\\'.includes(line[i + 1]!)) cur += line[++i];
      else if (c === '$' || c === '`') return { error: `shell substitution ('${c}') is not allowed` };
      else cur += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inArg = true;
    } else if (c === ' ' || c === '\t') {
      if (inArg) argv.push(cur);
      cur = '';
      inArg = false;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inArg = true;
    } else if (';&|<>`$(){}*?[]~!\n#'.includes(c)) {
      return { error: `shell syntax ('${c}') is not allowed; run one command with plain arguments` };
    } else {
      cur += c;
      inArg = true;
    }
  }
  if (quote) return { error: 'unterminated quote' };
  if (inArg) argv.push(cur);
  if (!argv.length) return { error: 'empty command' };
  return { argv };
}

/** True when `argv` starts with the words of one allowed prefix (`git commit` allows `git commit -m x`). */
export function isCommandAllowed(argv: readonly string[], allow: readonly string[]): boolean {
  return allow.some((prefix) => {
    const words = prefix.trim().split(/\s+/).filter(Boolean);
    return words.length > 0 && words.every((w, i) => argv[i] === w);
  });
}
