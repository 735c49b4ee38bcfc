import * as assert from 'node:assert/strict';
import { decodeBaseQuery, diffEntries, encodeBaseQuery, parseNameStatusZ } from '../../../src/vscode/review/diffPlan';

describe('implementation review diff plan', () => {
  it('parses name-status -z output with renames and odd names', () => {
    const out = [
      'M',
      'src/a.ts',
      'A',
      'new file.ts',
      'D',
      'old.ts',
      'R087',
      'src/x.ts',
      'src/y.ts',
      'M',
      'tab\there.ts',
      '',
    ].join('\0');
    assert.deepEqual(parseNameStatusZ(out), [
      { status: 'M', path: 'src/a.ts' },
      { status: 'A', path: 'new file.ts' },
      { status: 'D', path: 'old.ts' },
      { status: 'R', path: 'src/y.ts', oldPath: 'src/x.ts' },
      { status: 'M', path: 'tab\there.ts' },
    ]);
    assert.deepEqual(parseNameStatusZ(''), []);
  });

  it('compares the merge base with the worktree, empty sides for added and deleted files', () => {
    const e = diffEntries(
      parseNameStatusZ(['A', 'n.ts', 'D', 'd.ts', 'R100', 'x.ts', 'y.ts', ''].join('\0')),
      'abc1234',
    );
    assert.deepEqual(
      e.map((x) => [x.label, x.left, x.right]),
      [
        ['n.ts', { kind: 'empty', path: 'n.ts' }, { kind: 'worktree', path: 'n.ts' }],
        ['d.ts', { kind: 'rev', rev: 'abc1234', path: 'd.ts' }, { kind: 'empty', path: 'd.ts' }],
        ['x.ts → y.ts', { kind: 'rev', rev: 'abc1234', path: 'x.ts' }, { kind: 'worktree', path: 'y.ts' }],
      ],
    );
  });

  it('round-trips base references and refuses anything but SHAs and relative paths', () => {
    const r = { repo: '/r/.git-worktrees/000001_a', rev: 'abcdef1234', path: 'src/a b&c.ts' };
    assert.deepEqual(decodeBaseQuery(encodeBaseQuery(r)), r);
    assert.deepEqual(decodeBaseQuery(encodeBaseQuery({ ...r, rev: '' })), { ...r, rev: '' });
    assert.equal(decodeBaseQuery(encodeBaseQuery({ ...r, rev: 'HEAD;rm' })), undefined);
    assert.equal(decodeBaseQuery(encodeBaseQuery({ ...r, rev: '--output=x' })), undefined);
    assert.equal(decodeBaseQuery(encodeBaseQuery({ ...r, path: '../etc/passwd' })), undefined);
    assert.equal(decodeBaseQuery(encodeBaseQuery({ ...r, path: '-p' })), undefined);
    assert.equal(decodeBaseQuery('repo=x'), undefined);
  });
});
