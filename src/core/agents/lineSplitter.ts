/**
 * The longest line kept whole. An agent that prints megabytes without a newline (a minified file dumped to
 * stdout, a runaway loop) must not grow one string without end: the hang/flood fault suite's 200 MB single
 * line took the host to over a gigabyte and, being re-scanned for a newline on every chunk, minutes of CPU.
 * Real stream-json lines (a tool result with a whole file) stay well below this.
 */
export const MAX_LINE_CHARS = 4 * 1024 * 1024;

/**
 * Turns a stream of chunks into complete lines. A line split across chunks is held back until its end
 * arrives, and multi-byte UTF-8 characters split across chunks are decoded correctly. Each chunk is scanned
 * once (linear in the output), and a line longer than `maxLineChars` is cut there: the first `maxLineChars`
 * characters are kept, the rest up to the newline is counted and dropped, and the line ends with a marker
 * saying how much was cut.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8');
  /** The current line's pieces so far (joined once, at its end). */
  private parts: string[] = [];
  private kept = 0;
  /** Characters of the current line beyond the cap, dropped. */
  private dropped = 0;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineChars = MAX_LINE_CHARS,
  ) {}

  push(chunk: Uint8Array | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      this.hold(text.slice(start, nl));
      this.emit();
      start = nl + 1;
    }
    if (start < text.length) this.hold(start === 0 ? text : text.slice(start));
  }

  /** Emits a last line that had no newline. */
  end(): void {
    const rest = this.decoder.decode();
    if (rest) this.hold(rest);
    if (this.kept || this.dropped) this.emit();
  }

  private hold(piece: string): void {
    if (!piece) return;
    const room = this.maxLineChars - this.kept;
    if (piece.length <= room) {
      this.parts.push(piece);
      this.kept += piece.length;
      return;
    }
    if (room > 0) {
      this.parts.push(piece.slice(0, room));
      this.kept += room;
    }
    this.dropped += piece.length - Math.max(room, 0);
  }

  private emit(): void {
    const whole = this.parts.join('');
    const line = this.dropped
      ? `${whole} … [line cut: ${this.dropped} more characters not kept]`
      : whole.replace(/\r$/, '');
    this.parts = [];
    this.kept = 0;
    this.dropped = 0;
    this.onLine(line);
  }
}

/** Parses one JSON line; `undefined` for anything that is not a JSON object (noise, torn lines). */
export function parseJsonLine(line: string): Record<string, unknown> | undefined {
  const s = line.trim();
  if (!s.startsWith('{')) return undefined;
  try {
    const v: unknown = JSON.parse(s);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
