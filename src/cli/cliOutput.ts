import { jsonSafe, terminalSafe } from './terminalText';

/** Where a command writes. */
export interface CliIO {
  out: NodeJS.WritableStream;
  /** Working directory for relative paths and the default `--repo`. */
  cwd: string;
}

/** Writes `--json` output: one value, bidi controls escaped (see {@link jsonSafe}). */
export function writeJson(io: CliIO, value: unknown): void {
  io.out.write(`${jsonSafe(value, 2)}\n`);
}

/** Writes text for a person: controls and bidi controls from the branch are never printed raw. */
export function writeText(io: CliIO, text: string): void {
  io.out.write(terminalSafe(text));
}
