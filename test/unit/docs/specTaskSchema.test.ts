import * as assert from 'node:assert/strict';
import { newSpecTaskRecord, validateSpecTaskRecord } from '../../../src/core/docs/specTaskSchema';

describe('spectask.json validation', () => {
  const good = () =>
    JSON.parse(
      JSON.stringify(newSpecTaskRecord({ number: 7, title: 'Add login', now: new Date('2026-01-01T00:00:00Z') })),
    );

  it('accepts a new record and fills defaults for missing collections', () => {
    assert.equal(validateSpecTaskRecord(good()).ok, true);
    const minimal = {
      id: '000007',
      number: 7,
      title: 'x',
      status: 'backlog',
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    };
    const v = validateSpecTaskRecord(minimal);
    assert.ok(v.ok);
    assert.deepEqual(v.record.history, []);
    assert.equal(v.record.priority, 'medium');
  });

  it('names the offending field, also inside lists', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ status: 'flying' }, 'status'],
      [{ id: '7' }, 'id'],
      [{ id: '000008' }, 'id'],
      [{ title: '' }, 'title'],
      [{ priority: 'urgent' }, 'priority'],
      [{ dependsOn: [1] }, 'dependsOn'],
      [{ agentSessions: { planning: 3 } }, 'agentSessions'],
      [{ revisionCount: -1 }, 'revisionCount'],
      [{ history: [{ at: 'yesterday', to: 'backlog', trigger: 'created' }] }, 'history[0].at'],
      [{ history: [{ at: '2026-01-01T00:00:00Z', to: 'nope', trigger: 'x' }] }, 'history[0].to'],
      [
        {
          reviewComments: [
            { id: 'c1', document: 'design.md', comment: 'x', createdAt: '2026-01-01T00:00:00Z', line: 0 },
          ],
        },
        'reviewComments[0].line',
      ],
    ];
    for (const [patch, field] of cases) {
      const v = validateSpecTaskRecord({ ...good(), ...patch });
      assert.equal(v.ok, false, JSON.stringify(patch));
      if (!v.ok) assert.equal(v.field, field, JSON.stringify(patch));
    }
    const notObject = validateSpecTaskRecord([]);
    assert.ok(!notObject.ok && notObject.field === '(root)');
  });

  it('keeps unknown fields from newer writers', () => {
    const v = validateSpecTaskRecord({ ...good(), futureField: { a: 1 } });
    assert.ok(v.ok);
    assert.deepEqual((v.record as unknown as Record<string, unknown>).futureField, { a: 1 });
  });
});
