/**
 * Turns a stream of chunks into complete lines. A line split across chunks is held back until its end
 * arrives, and multi-byte UTF-8 characters split across chunks are decoded correctly.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8');
  private pending = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Uint8Array | string): void {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, nl).replace(/\r$/, '');
      this.pending = this.pending.slice(nl + 1);
      this.onLine(line);
    }
  }

  /** Emits a last line that had no newline. */
  end(): void {
    this.pending += this.decoder.decode();
    if (this.pending.length) {
      const line = this.pending.replace(/\r$/, '');
      this.pending = '';
      this.onLine(line);
    }
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
