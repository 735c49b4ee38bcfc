import * as assert from 'node:assert/strict';
import type { SpecTaskDetails } from '../../../src/core/docs/specTaskReader';
import { loginDetails } from '../../support/loginDetails';
import { newSpecTaskRecord, type SpecTaskRecord } from '../../../src/core/docs/specTaskSchema';
import type { SpecTaskStore } from '../../../src/core/docs/specTaskStore';
import { TaskBook } from '../../../src/core/orchestrator/taskBook';
import { FleetStore } from '../../../src/core/store/fleetStore';

// Readings of one task overlap (a watcher event, an intent, the reconcile tick, a write of this process): the one
// started last wins, so a slow reading of the old file cannot bring back a status the files no longer have.
describe('task book: overlapping readings', () => {
  let fleet: FleetStore;
  afterEach(() => fleet.dispose());

  /** A store whose readings end when the test says, each with the record the file had when it started. */
  function slowStore() {
    const pending: { record: SpecTaskRecord; done: (d: SpecTaskDetails) => void }[] = [];
    let current = newSpecTaskRecord({ number: 1, title: 'Login', baseBranch: 'main' });
    const details = loginDetails;
    const store = {
      get: () => new Promise<SpecTaskDetails>((done) => pending.push({ record: current, done })),
    } as unknown as SpecTaskStore;
    return {
      store,
      write(status: SpecTaskRecord['status']) {
        current = { ...current, status, updatedAt: new Date(Date.parse(current.updatedAt) + 1000).toISOString() };
        return current;
      },
      /** Ends the `i`-th reading started (0: the first). */
      end(i: number) {
        pending[i].done(details(pending[i].record));
      },
    };
  }
  const turn = () => new Promise((r) => setImmediate(r));

  it('drops a reading that started before a later one and ended after it', async () => {
    fleet = new FleetStore();
    const s = slowStore();
    const book = new TaskBook(s.store, fleet, '/x', () => 0);
    const first = book.refresh('000001');
    s.write('queued_spec_generation');
    const second = book.refresh('000001');
    s.end(1);
    await second;
    s.end(0);
    await first;
    await turn();
    assert.equal(book.get('000001')!.status, 'queued_spec_generation');
  });

  it('drops a reading of the file as it was before a write of this process', async () => {
    fleet = new FleetStore();
    const s = slowStore();
    const book = new TaskBook(s.store, fleet, '/x', () => 0);
    const initial = book.refresh('000001');
    s.end(0);
    await initial;
    const stale = book.refresh('000001');
    book.recordWritten(s.write('archived'));
    s.end(1);
    await stale;
    assert.equal(book.get('000001')!.status, 'archived');
    // A reading started after the write is taken as usual (here: of a later change by another process).
    s.write('backlog');
    const fresh = book.refresh('000001');
    s.end(2);
    await fresh;
    assert.equal(book.get('000001')!.status, 'backlog');
  });
});
