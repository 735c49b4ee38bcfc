import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FleetAgentCard, FleetSnapshot } from '../../protocol/fleet';
import { parseHostMessage, PROTOCOL_VERSION } from '../../protocol/messages';
import { isProcessAliveAsync, processIdentity } from '../agents/processTree';
import { writeFileAtomic } from '../docs/atomicWrite';
import { Disposable, toDisposable, type Event } from '../lifecycle';

/**
 * The live view of a running orchestrator (VS Code, `spectask run`, `spectask worker`) for other processes
 * (issue 17 item 10): `spectask fleet` reads statuses and checklists from the files, but queue reasons, the
 * agent's activity and its back-end live only in the running process's store. Each such process writes its
 * snapshot to `<git-dir>/spectask/fleet-status/<pid>.json` (machine-local, never on the shared branch); a
 * reader merges the files of processes that still run.
 */

/** What one file holds. `processStart` tells a live writer from a later process that reused its pid. */
export interface FleetStatusFile {
  v: 1;
  pid: number;
  processStart: string;
  writtenAt: number;
  snapshot: FleetSnapshot;
}

/** A hostile or runaway file is not read whole. */
const MAX_STATUS_BYTES = 8 * 1024 * 1024;

export function fleetStatusDir(commonDir: string): string {
  return path.join(commonDir, 'spectask', 'fleet-status');
}

/**
 * Writes the snapshot whenever the store changes, at most once per `minIntervalMs` (the last change of a burst is
 * always written, after the interval), atomically (write and rename: a reader never sees half a file). The file
 * is removed on dispose.
 */
export class FleetStatusPublisher extends Disposable {
  private readonly file: string;
  private last = 0;
  private timer?: ReturnType<typeof setTimeout>;
  private writing?: Promise<void>;
  private pending = false;
  private processStart?: Promise<string>;

  constructor(
    commonDir: string,
    private readonly snapshot: () => FleetSnapshot,
    onDidChange: Event<unknown>,
    private readonly minIntervalMs = 500,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.file = path.join(fleetStatusDir(commonDir), `${process.pid}.json`);
    this._register(onDidChange(() => this.request()));
    this._register(
      toDisposable(() => {
        clearTimeout(this.timer);
        fs.rmSync(this.file, { force: true });
      }),
    );
  }

  /** A write now, or once the interval since the last one has passed. */
  request(): void {
    if (this.isDisposed) return;
    this.pending = true;
    if (this.timer || this.writing) return;
    const wait = Math.max(0, this.last + this.minIntervalMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, wait);
    this.timer.unref?.();
  }

  /** Writes the current snapshot now (and resolves when it is on disk). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.isDisposed) return;
    this.pending = false;
    this.last = this.now();
    this.writing = this.write().finally(() => (this.writing = undefined));
    await this.writing;
    if (this.pending) this.request();
  }

  private async write(): Promise<void> {
    const body: FleetStatusFile = {
      v: 1,
      pid: process.pid,
      processStart: await (this.processStart ??= processIdentity(process.pid).then((p) => p?.startTime ?? '')),
      writtenAt: this.now(),
      snapshot: this.snapshot(),
    };
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    if (this.isDisposed) return;
    await writeFileAtomic(this.file, JSON.stringify(body));
    // Disposed during the write: the rename may have put the file back after dispose removed it.
    if (this.isDisposed) fs.rmSync(this.file, { force: true });
  }
}

/**
 * The snapshots of running writers, newest first. A file is ignored when it does not parse, fails the
 * webview's own validation of a snapshot, names a process that no longer runs (pid + start time), or is not a
 * regular file (no symbolic link is followed).
 */
export async function readLiveStatuses(commonDir: string): Promise<FleetStatusFile[]> {
  const dir = fleetStatusDir(commonDir);
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  const out: FleetStatusFile[] = [];
  for (const name of names) {
    if (!/^\d+\.json$/.test(name)) continue;
    const parsed = parseStatusFile(await readRegularFile(path.join(dir, name)));
    if (!parsed || `${parsed.pid}.json` !== name) continue;
    if (await isProcessAliveAsync({ pid: parsed.pid, startTime: parsed.processStart })) out.push(parsed);
  }
  return out.sort((a, b) => b.writtenAt - a.writtenAt);
}

async function readRegularFile(file: string): Promise<string | undefined> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    const st = await handle.stat();
    if (!st.isFile() || st.size > MAX_STATUS_BYTES) return undefined;
    return await handle.readFile('utf8');
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

/** A status file's content, or undefined when anything about it is not what a writer of ours writes. */
export function parseStatusFile(text: string | undefined): FleetStatusFile | undefined {
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  if (r.v !== 1 || !Number.isSafeInteger(r.pid) || (r.pid as number) <= 0) return undefined;
  if (typeof r.processStart !== 'string' || r.processStart.length > 40 || typeof r.writtenAt !== 'number')
    return undefined;
  // The same check the dashboard makes of every snapshot it is sent: every field has the type it renders as.
  if (!parseHostMessage({ type: 'fleet/snapshot', protocol: PROTOCOL_VERSION, rev: 0, snapshot: r.snapshot }))
    return undefined;
  return raw as FleetStatusFile;
}

/** The fields only a running process knows: its agents, runs, queue decisions and questions. */
const LIVE_FIELDS = [
  'backend',
  'agentId',
  'lastActivity',
  'startedAt',
  'restartReason',
  'tokens',
  'costUsd',
  'queueReason',
  'runLive',
  'endedAt',
  'lastError',
  'permissionRequest',
  'worker',
] as const satisfies readonly (keyof FleetAgentCard)[];

/**
 * `fromFiles` (this process's reading of the branch) with the live fields of the running writers' cards. A
 * live card counts only while it is in the same phase as the files say: a run that ended since the writer's
 * last write must not show as running. The first (newest) writer with a card for a SpecTask wins.
 */
export function mergeLiveStatus(fromFiles: FleetSnapshot, live: readonly FleetStatusFile[]): FleetSnapshot {
  if (!live.length) return fromFiles;
  const cards = fromFiles.cards.map((card) => {
    const theirs = live.map((l) => l.snapshot.cards.find((c) => c.taskId === card.taskId)).find(Boolean);
    if (!theirs || theirs.phase !== card.phase) return card;
    const merged: Record<string, unknown> = { ...card };
    // The writer's view of these fields is the truth, absent ones included (no agent: no activity, no reason).
    for (const k of LIVE_FIELDS) {
      if (theirs[k] === undefined) delete merged[k];
      else merged[k] = theirs[k];
    }
    return merged as unknown as FleetAgentCard;
  });
  const backendLabels = live.find((l) => l.snapshot.backendLabels)?.snapshot.backendLabels;
  return { ...fromFiles, cards, ...(backendLabels && !fromFiles.backendLabels ? { backendLabels } : {}) };
}
