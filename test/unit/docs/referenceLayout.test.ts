import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openDesignDocs } from '../../../src/core/docs/openDesignDocs';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { cleanupTemp, git, makeRepo, tempDir } from '../../support/tempRepo';

/** Builds, on the remote, a `helix-specs` branch the way the reference system writes it. */
function referenceRepo(): string {
  const upstream = makeRepo();
  const work = tempDir('spectask-helix-');
  git(work, 'init', '-q', '-b', 'helix-specs');
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(work, rel)), { recursive: true });
    fs.writeFileSync(path.join(work, rel), text);
  };
  write('.helix/startup.sh', '#!/bin/sh\n');
  write(
    'design/tasks/000012_add-password-reset/requirements.md',
    '# Requirements: Add password reset\n\n## Open Questions\n',
  );
  write('design/tasks/000012_add-password-reset/design.md', '# Design: Add password reset\n');
  write(
    'design/tasks/000012_add-password-reset/tasks.md',
    '# Implementation Tasks: Add password reset\n\n- [x] Add token table\n- [~] Send email\n- [ ] Reset form\n',
  );
  write('design/tasks/000003_fix-login/requirements.md', '# Requirements: Fix login\n');
  write('design/tasks/000003_fix-login/tasks.md', '# Implementation Tasks: Fix login\n\n- [x] Reproduce\n- [x] Fix\n');
  write('design/tasks/000003_fix-login/screenshots/a.png', 'png');
  write('tasks/2025-10-01_dark-mode_abc123/requirements.md', '# Requirements: Dark mode\n');
  write('tasks/2025-10-01_dark-mode_abc123/progress.md', '# Progress\n\n- [x] Palette\n* [ ] Toggle\n');
  write('tasks/attachments/logo.png', 'png');
  git(work, 'add', '.');
  git(work, '-c', 'user.name=helix', '-c', 'user.email=h@x', 'commit', '-qm', 'chore(specs): update progress');
  git(work, 'push', '-q', upstream, 'helix-specs');
  return upstream;
}

describe("a repository in the reference system's layout", function () {
  this.timeout(20_000);
  const track = disposeAfterEach();
  after(cleanupTemp);

  it('adopts origin/helix-specs and lists its SpecTasks, legacy folders included', async () => {
    const upstream = referenceRepo();
    const clone = tempDir('spectask-clone-');
    git(clone, 'clone', '-q', upstream, '.');
    const registry = track(new GitQueueRegistry());
    const dd = await openDesignDocs(clone, { registry, createBranch: false });
    track(dd.store);
    assert.equal(dd.location.branch, 'helix-specs');
    assert.equal(dd.location.origin, 'legacy-remote');
    const list = await dd.store.list();
    assert.deepEqual(
      list.map((t) => ({
        id: t.id,
        title: t.title,
        layout: t.layout,
        file: t.checklistFile,
        progress: `${t.progress?.done}/${t.progress?.total}`,
        problems: t.problems.length,
      })),
      [
        { id: '000003', title: 'Fix login', layout: 'current', file: 'tasks.md', progress: '2/2', problems: 0 },
        {
          id: '000012',
          title: 'Add password reset',
          layout: 'current',
          file: 'tasks.md',
          progress: '1/3',
          problems: 0,
        },
        {
          id: '2025-10-01_dark-mode_abc123',
          title: 'Dark mode',
          layout: 'legacy',
          file: 'progress.md',
          progress: '1/2',
          problems: 0,
        },
      ],
    );
    const d = await dd.store.get('12');
    assert.equal(d.focus?.current?.text, 'Send email');
    assert.equal((await dd.store.get('dark-mode')).id, '2025-10-01_dark-mode_abc123');
    // The legacy checklist can be ticked like any other; the commit goes onto helix-specs.
    await dd.store.mark('2025-10-01_dark-mode_abc123', { text: 'Toggle' }, 'done');
    assert.match(
      fs.readFileSync(path.join(dd.location.worktreePath, 'tasks/2025-10-01_dark-mode_abc123/progress.md'), 'utf8'),
      /\* \[x\] Toggle/,
    );
    assert.match(
      git(clone, 'log', '-1', '--format=%s', 'helix-specs'),
      /^spectask\(2025-10-01_dark-mode_abc123\): mark "Toggle" done$/,
    );
    // New SpecTasks continue after the highest number found.
    assert.equal((await dd.store.create({ title: 'Next' })).number, 13);
  });
});
