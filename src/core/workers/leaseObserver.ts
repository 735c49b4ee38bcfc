/**
 * Judges whether another worker's claim expired WITHOUT trusting anyone's wall clock (workers' clocks may be
 * minutes apart): the claim's sha is its heartbeat. An observer remembers, per claim ref, the sha it saw and the
 * moment of its own monotonic clock when it first saw that sha; the claim expired once the same sha was seen
 * unchanged for longer than the claim's lease plus a grace. The holder renews at a third of the lease (a new sha
 * each time) and stops its own agent once it could not renew for the lease minus a margin, measured from the
 * start of its last successful push (see LeaseKeeper). Since an observer can first see a sha only after the
 * push that wrote it completed, the holder has stopped before any observer may take over — whatever the wall
 * clocks say. `expiresAt` in the record is shown to people, never used here.
 */
export class LeaseObserver {
  private readonly seen = new Map<string, { sha: string; since: number }>();

  constructor(
    /** Extra time beyond the lease before a takeover (network delay, a renewal in flight). */
    private readonly graceMs = 0,
    private readonly monotonicNow: () => number = () => performance.now(),
  ) {}

  /** Records what the remote shows for `ref` now (undefined: the ref does not exist). */
  observe(ref: string, sha: string | undefined): void {
    const known = this.seen.get(ref);
    if (!sha) this.seen.delete(ref);
    else if (known?.sha !== sha) this.seen.set(ref, { sha, since: this.monotonicNow() });
  }

  /** How long this observer has seen `ref` at `sha` unchanged (0 when it shows something else). */
  unchangedFor(ref: string, sha: string): number {
    const known = this.seen.get(ref);
    return known?.sha === sha ? this.monotonicNow() - known.since : 0;
  }

  /** Whether the claim at `sha` has outlived `leaseMs` (+ grace) on this observer's own clock. */
  isExpired(ref: string, sha: string, leaseMs: number): boolean {
    const known = this.seen.get(ref);
    return known?.sha === sha && this.monotonicNow() - known.since > leaseMs + this.graceMs;
  }

  /** Forgets refs the remote no longer lists. */
  retainOnly(refs: ReadonlySet<string>): void {
    for (const ref of [...this.seen.keys()]) if (!refs.has(ref)) this.seen.delete(ref);
  }
}
