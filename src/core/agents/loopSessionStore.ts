import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChatMessage } from './chatModel';

/**
 * The in-house loop has no server-side sessions: "resume" replays the message list, kept as JSON in the
 * agent's state folder. Written with a temp file and a rename so a crash never leaves half a history.
 */
export class LoopSessionStore {
  constructor(private readonly dir: string) {}

  private file(sessionId: string): string {
    if (!/^[\w-]+$/.test(sessionId)) throw new Error(`invalid session id '${sessionId}'`);
    return path.join(this.dir, 'loop-sessions', `${sessionId}.json`);
  }

  load(sessionId: string): ChatMessage[] | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.file(sessionId), 'utf8')) as ChatMessage[];
    } catch {
      return undefined;
    }
  }

  save(sessionId: string, messages: readonly ChatMessage[]): void {
    const f = this.file(sessionId);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(`${f}.tmp`, JSON.stringify(messages));
    fs.renameSync(`${f}.tmp`, f);
  }
}
