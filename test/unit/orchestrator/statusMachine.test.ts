import * as assert from 'node:assert/strict';
import {
  allowedTriggers,
  RETRYABLE_STATUSES,
  SELF_ADVANCING_STATUSES,
  SPECTASK_STATUSES,
  STATUS_FACTS,
  STATUS_GROUPS,
  statusesAllowing,
  stageName,
  statusGroup,
  WAITING_FOR_PERSON_STATUSES,
  WORKING_STATUSES,
  transition,
  TRANSITIONS,
  type SpecTaskStatus,
  type Trigger,
} from '../../../src/core/orchestrator/statusMachine';

// The table of DESIGN.md §5, restated independently so a change to either shows up here.
const DESIGN_TABLE: [SpecTaskStatus, Trigger, SpecTaskStatus][] = [
  ['backlog', 'start_planning', 'queued_spec_generation'],
  ['backlog', 'skip_planning', 'queued_implementation'],
  ['queued_spec_generation', 'planning_slot_free', 'spec_generation'],
  ['spec_generation', 'planning_succeeded', 'spec_review'],
  ['spec_generation', 'planning_failed', 'spec_failed'],
  ['spec_review', 'request_spec_changes', 'spec_revision'],
  ['spec_revision', 'revision_resumed', 'spec_generation'],
  ['spec_review', 'approve', 'spec_approved'],
  ['spec_review', 'reject', 'archived'],
  ['spec_approved', 'enqueue_implementation', 'queued_implementation'],
  ['queued_implementation', 'implementation_slot_free', 'implementation'],
  ['implementation', 'implementation_complete', 'implementation_review'],
  ['implementation', 'implementation_failed', 'implementation_failed'],
  ['implementation_review', 'accept', 'queued_integration'],
  // The integration queue (issue 21).
  ['queued_integration', 'integration_slot_free', 'integrating'],
  ['integrating', 'integration_succeeded', 'done'],
  ['integrating', 'integration_bounced', 'implementation'],
  ['integrating', 'integration_blocked', 'implementation_review'],
  ['integrating', 'integration_interrupted', 'queued_integration'],
  ['implementation_review', 'request_implementation_changes', 'implementation'],
  ['spec_failed', 'retry', 'queued_spec_generation'],
  ['implementation_failed', 'retry', 'queued_implementation'],
  // Stop is not a failure (issue 22): a status of its own, from which Retry resumes.
  ['spec_generation', 'stop', 'spec_stopped'],
  ['implementation', 'stop', 'implementation_stopped'],
  ['spec_stopped', 'retry', 'queued_spec_generation'],
  ['implementation_stopped', 'retry', 'queued_implementation'],
  ['done', 'reopen', 'implementation'],
  ['archived', 'restore', 'backlog'],
];

describe('status machine', () => {
  it('allows every transition of DESIGN.md §5', () => {
    for (const [from, trigger, to] of DESIGN_TABLE) {
      const r = transition(from, trigger);
      assert.ok(r.ok, `${from} --${trigger}--> ${to}: ${!r.ok && r.message}`);
      assert.equal(r.to, to);
    }
  });

  it('archives from every status but done and archived', () => {
    for (const s of SPECTASK_STATUSES) {
      const r = transition(s, 'archive');
      assert.equal(r.ok, s !== 'done' && s !== 'archived', s);
    }
  });

  it('rejects everything else with a message naming what is allowed', () => {
    const legal = new Set([
      ...DESIGN_TABLE.map(([f, t]) => `${f}|${t}`),
      ...SPECTASK_STATUSES.filter((s) => s !== 'done' && s !== 'archived').map((s) => `${s}|archive`),
    ]);
    const triggers = [...new Set(TRANSITIONS.map((r) => r.trigger))];
    let rejected = 0;
    for (const from of SPECTASK_STATUSES) {
      for (const trigger of triggers) {
        if (legal.has(`${from}|${trigger}`)) continue;
        const r = transition(from, trigger);
        assert.equal(r.ok, false, `${from} --${trigger}--> should be illegal`);
        if (!r.ok) assert.match(r.message, /^Cannot .+ a SpecTask that is /);
        rejected++;
      }
    }
    assert.ok(rejected > 150);
    const done = transition('done', 'approve');
    assert.ok(!done.ok && /you can: 'Reopen'/.test(done.message), !done.ok ? done.message : '');
  });

  it('has no ambiguous rows', () => {
    const seen = new Set<string>();
    for (const r of TRANSITIONS)
      for (const f of r.from) {
        const key = `${f}|${r.trigger}`;
        assert.ok(!seen.has(key), `duplicate row ${key}`);
        seen.add(key);
      }
  });

  it('lets every status reach done or archived (no dead ends)', () => {
    for (const start of SPECTASK_STATUSES) {
      const reach = new Set<SpecTaskStatus>([start]);
      for (let changed = true; changed;) {
        changed = false;
        for (const s of [...reach])
          for (const t of allowedTriggers(s)) {
            const r = transition(s, t);
            if (r.ok && !reach.has(r.to)) {
              reach.add(r.to);
              changed = true;
            }
          }
      }
      assert.ok(reach.has('done') || reach.has('archived'), start);
    }
  });

  it('groups statuses into the phases every view shows, one name per status', () => {
    assert.equal(statusGroup('queued_spec_generation'), 'queued');
    assert.equal(statusGroup('spec_generation'), 'planning');
    assert.equal(statusGroup('spec_revision'), 'planning');
    assert.equal(statusGroup('spec_approved'), 'queued');
    assert.equal(statusGroup('queued_implementation'), 'queued');
    assert.equal(statusGroup('implementation'), 'implementing');
    assert.equal(statusGroup('implementation_review'), 'implementation_review');
    assert.equal(statusGroup('implementation_failed'), 'failed');
    assert.equal(statusGroup('queued_integration'), 'integration');
    assert.equal(statusGroup('integrating'), 'integration');
    // Every group holds at least one status, so no tree group or dashboard phase is always empty.
    assert.deepEqual(
      STATUS_GROUPS.filter((g) => !SPECTASK_STATUSES.some((s) => statusGroup(s) === g)),
      [],
    );
  });

  // The sets every surface uses, restated here so that a change to the table that moves one shows up.
  it('derives the working, waiting-for-a-person, retry and archive sets from the table', () => {
    const sorted = (set: ReadonlySet<SpecTaskStatus>) => [...set].sort();
    assert.deepEqual(sorted(WORKING_STATUSES), ['implementation', 'spec_generation']);
    assert.deepEqual(sorted(WAITING_FOR_PERSON_STATUSES), ['implementation_review', 'spec_review']);
    assert.deepEqual(sorted(RETRYABLE_STATUSES), [
      'implementation_failed',
      'implementation_stopped',
      'spec_failed',
      'spec_stopped',
    ]);
    assert.deepEqual(
      sorted(statusesAllowing('archive')),
      SPECTASK_STATUSES.filter((s) => s !== 'done' && s !== 'archived').sort(),
    );
    assert.deepEqual(sorted(SELF_ADVANCING_STATUSES), [
      'implementation',
      'integrating',
      'queued_implementation',
      'queued_integration',
      'queued_spec_generation',
      'spec_approved',
      'spec_generation',
      'spec_revision',
    ]);
  });

  it('keeps the per-status facts consistent with the groups and the transitions', () => {
    for (const s of SPECTASK_STATUSES) {
      const f = STATUS_FACTS[s];
      if (f.agentWorks) assert.ok(['planning', 'implementing'].includes(f.group), s);
      if (f.waitsForPerson) {
        assert.ok(['spec_review', 'implementation_review'].includes(f.group), s);
        // Nothing but a person moves it on.
        assert.ok(
          TRANSITIONS.every((r) => !r.from.includes(s) || r.actor === 'user'),
          s,
        );
      }
      if (f.agentWorks) assert.ok(SELF_ADVANCING_STATUSES.has(s), `${s}: an agent's run ends it`);
    }
  });

  it('gives each stage one name, from the table: the phase name, or "Revising spec" for a revision', () => {
    assert.equal(stageName('implementation_review'), 'Code review');
    assert.equal(stageName('spec_review'), 'Spec review');
    assert.equal(stageName('spec_revision', 'request_spec_changes'), 'Revising spec');
    assert.equal(stageName('spec_generation', 'revision_resumed'), 'Revising spec');
    assert.equal(stageName('spec_generation', 'planning_slot_free'), 'Planning');
    assert.equal(stageName('implementation_stopped', 'stop'), 'Stopped by you');
    // A history entry is untrusted text: an unknown trigger falls back to the phase name.
    assert.equal(stageName('spec_generation', 'constructor'), 'Planning');
  });
});
