import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { openDesignDocs, type DesignDocs } from '../../src/core/docs/openDesignDocs';
import { newSpecTaskRecord, type SpecTaskRecord } from '../../src/core/docs/specTaskSchema';
import { nextTaskNumber, recordTaskNumber } from '../../src/core/docs/taskNumbering';
import { GitQueueRegistry } from '../../src/core/git/gitQueue';
import type { ImplementationReviewResult } from '../../src/vscode/review/implementationReview';
import type { ApproveResult, RequestChangesResult } from '../../src/vscode/review/specReviewController';
import { driverAvailable, eventually, press, readText, snap } from './driver';

const REQUIREMENTS =
  '# Requirements: Password reset\n\n## User stories\n\n- As a user I can reset my password by e-mail.\n\n## Open Questions\n\n- none\n';
const DESIGN =
  '# Design: Password reset\n\n## Architecture\n\nStore reset tokens in memory for now.\nTokens expire after 30 minutes.\n';
const TASKS =
  '# Implementation Tasks: Password reset\n\n- [x] T1: Add the reset tokens table\n- [~] T2: Create the token repository\n- [ ] T3: Add the reset request endpoint\n- [ ] T4: Rate-limit reset requests\n';
const QUOTED = 'Store reset tokens in memory for now.';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=it', '-c', 'user.email=it@example.invalid', ...args], {
    cwd,
    encoding: 'utf8',
  });

/**
 * Writes a SpecTask folder in one go, already in `status` (so the orchestrator never sees a schedulable
 * state in between and starts no agent), and commits it through the store.
 */
async function plantTask(
  docs: DesignDocs,
  title: string,
  slug: string,
  status: SpecTaskRecord['status'],
  extra: Partial<SpecTaskRecord> = {},
): Promise<{ id: string; dir: string; folder: string }> {
  const n = await nextTaskNumber(docs.location.worktreePath);
  const id = String(n).padStart(6, '0');
  const folder = `${id}_${slug}`;
  const dir = path.join(docs.location.worktreePath, 'design', 'tasks', folder);
  fs.mkdirSync(dir, { recursive: true });
  const rec = { ...newSpecTaskRecord({ number: n, title, baseBranch: 'main' }), status, ...extra };
  rec.history.push({
    at: new Date().toISOString(),
    from: 'backlog',
    to: status,
    trigger: 'planted by the integration test',
  });
  fs.writeFileSync(path.join(dir, 'requirements.md'), REQUIREMENTS);
  fs.writeFileSync(path.join(dir, 'design.md'), DESIGN);
  fs.writeFileSync(path.join(dir, 'tasks.md'), TASKS);
  fs.writeFileSync(path.join(dir, 'spectask.json'), JSON.stringify(rec, null, 2) + '\n');
  await recordTaskNumber(docs.location.worktreePath, n);
  await docs.store.commitFolder(id, 'planted by the review integration test');
  return { id, dir, folder };
}

/** eventually() for a value that is undefined until it appears. */
const found = async <T>(
  fn: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs?: number,
): Promise<T> => (await eventually(fn, what, timeoutMs)) as T;

const api = () =>
  vscode.extensions.getExtension<{ services: import('../../src/vscode/extensionContext').SpecTaskServices }>(
    'spectask.spectask',
  )!.exports;

const readRecord = (dir: string): SpecTaskRecord =>
  JSON.parse(fs.readFileSync(path.join(dir, 'spectask.json'), 'utf8'));

async function typeText(text: string): Promise<void> {
  for (const ch of text) await press(ch === ' ' ? 'Space' : ch);
}

describe('design-doc and implementation review in a real VS Code', function () {
  this.timeout(120_000);
  let registry: GitQueueRegistry;
  let docs: DesignDocs;
  let spec: { id: string; dir: string };
  let impl: { id: string; dir: string; folder: string };
  let revised: { id: string; dir: string } | undefined;
  let ws: string;

  before(async () => {
    const ext = vscode.extensions.getExtension('spectask.spectask');
    assert.ok(ext);
    await ext.activate();
    ws = vscode.workspace.workspaceFolders![0].uri.fsPath;
    registry = new GitQueueRegistry();
    docs = await openDesignDocs(ws, { registry, branch: 'helix-design-docs' });
    spec = await plantTask(docs, 'Password reset', 'password-reset', 'spec_review');

    // A task waiting for implementation review: its branch has one commit on top of main.
    const n = await nextTaskNumber(docs.location.worktreePath);
    const slug = 'reset-endpoint';
    const id = String(n).padStart(6, '0');
    const wt = path.join(ws, '.git-worktrees', `${id}_${slug}`);
    git(ws, 'worktree', 'add', '-q', '-b', `spectask/${id}-${slug}`, wt, 'main');
    fs.writeFileSync(
      path.join(wt, 'index.js'),
      fs.readFileSync(path.join(wt, 'index.js'), 'utf8') + '\n// reset endpoint\nexports.reset = () => "ok";\n',
    );
    fs.writeFileSync(path.join(wt, 'reset.js'), 'module.exports = { ttlMinutes: 30 };\n');
    git(wt, 'add', '-A');
    git(wt, 'commit', '-q', '-m', `reset endpoint\n\nSpecTask: ${id}`);
    impl = await plantTask(docs, 'Reset endpoint', slug, 'implementation_review', { branch: `spectask/${id}-${slug}` });
    assert.equal(impl.id, id);

    // The extension opens the repository once its design-docs branch exists.
    await vscode.commands.executeCommand('spectask.tasks.refresh');
    const tasksUri = vscode.Uri.file(path.join(spec.dir, 'tasks.md'));
    await vscode.workspace.openTextDocument(tasksUri); // CodeLens providers run on loaded documents only
    await eventually(
      async () =>
        (
          (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', tasksUri)) ?? []
        ).some((l) => l.command?.title.includes('done')),
      'the extension knows the planted SpecTask',
      60_000,
    );
  });

  it('lists both planted SpecTasks in the orchestrator the features use', async () => {
    const views = api()
      .services.repositories()
      .flatMap((r) => r.orchestrator.taskViews())
      .map((t) => [t.id, path.basename(t.path), t.status]);
    console.log(`task views: ${JSON.stringify(views)}`);
    assert.ok(
      views.some(([id, , st]) => id === impl.id && st === 'implementation_review'),
      JSON.stringify(views),
    );
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Leave the shared workspace as the suites that follow expect it: no SpecTask of ours, no agent running.
    for (const t of [spec, impl, revised]) {
      if (!t || readRecord(t.dir).status === 'archived') continue;
      const archived = Promise.resolve(vscode.commands.executeCommand('spectask.task.archive', { taskId: t.id })).then(
        () => 'archived',
        (e) => `not archived: ${(e as Error).message}`,
      );
      console.log(
        `review cleanup: ${t.id} ${await Promise.race([archived, new Promise((r) => setTimeout(() => r('archive still pending after 10 s'), 10_000))])}`,
      );
    }
    console.log(
      `review cleanup: views ${JSON.stringify(
        api()
          .services.repositories()
          .flatMap((r) => r.orchestrator.taskViews().map((v) => [v.id, v.status, v.agentWorking, v.queueReason ?? ''])),
      )}`,
    );
    const queue = registry.forRepo(ws);
    await queue
      .enqueue('review test cleanup', async (g) => {
        for (const t of [spec, impl, revised]) {
          if (!t) continue;
          const rel = path.relative(docs.location.worktreePath, t.dir);
          await g.run(['rm', '-r', '-f', '-q', '--', rel], { cwd: docs.location.worktreePath });
          const wt = path.join(ws, '.git-worktrees', path.basename(t.dir));
          if (fs.existsSync(wt)) await g.run(['worktree', 'remove', '--force', wt]);
        }
        await g.run(
          [
            '-c',
            'user.name=it',
            '-c',
            'user.email=it@example.invalid',
            'commit',
            '-m',
            'review integration test: remove its SpecTasks',
          ],
          { cwd: docs.location.worktreePath },
        );
      })
      .then(
        () => console.log('review cleanup: folders removed'),
        (e) => console.log(`review test cleanup: ${(e as Error).message}`),
      );
    await eventually(
      () =>
        !api()
          .services.repositories()
          .some((r) => [spec, impl, revised].some((t) => t && r.orchestrator.task(t.id))),
      'the extension forgot the removed SpecTasks',
    ).catch((e) => console.log(String(e)));
    registry?.dispose();
    docs?.store.dispose();
  });

  it('shows each checklist item\u2019s state as a CodeLens in tasks.md', async () => {
    const uri = vscode.Uri.file(path.join(spec.dir, 'tasks.md'));
    const lenses =
      (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
    const byLine = lenses.filter((l) => l.range.start.line >= 2).map((l) => [l.range.start.line, l.command?.title]);
    assert.deepEqual(byLine, [
      [2, '$(pass) done'],
      [3, '$(circle-large-filled) in progress'],
      [4, '$(circle-large-outline) to do'],
      [5, '$(circle-large-outline) to do'],
    ]);
    // The review bar on top of the document while the spec waits for review.
    const top = lenses.filter((l) => l.range.start.line === 0).map((l) => l.command?.title ?? '');
    assert.ok(
      top.some((t) => t.startsWith('$(lock) Approve blocked')),
      top.join(' | '),
    );
    await vscode.window.showTextDocument(uri, { preview: false });
    if (driverAvailable()) {
      await eventually(
        async () => (await readText('.monaco-editor .codelens-decoration')).includes('in progress'),
        'CodeLens rendered',
      );
      await snap('review-tasks-codelens', '.codelens-decoration');
    }
  });

  /** Why Approve is refused now ([] once it went through). */
  const approveReasons = async (): Promise<string[]> => {
    const r = await vscode.commands.executeCommand<ApproveResult>('spectask.spec.approve', { taskId: spec.id });
    return r.approved ? [] : r.reasons;
  };

  it('refuses Approve and says why until every document was opened and no comment is open', async () => {
    // tasks.md was on screen in the previous test (it counts once it stayed there a moment); the others not yet.
    const r = await found(async () => {
      const res = await vscode.commands.executeCommand<ApproveResult>('spectask.spec.approve', { taskId: spec.id });
      return !res.approved && res.reasons.length === 2 ? res : undefined;
    }, 'tasks.md counts as seen');
    assert.ok(!r.approved);
    assert.deepEqual(r.reasons, ['open requirements.md to review it', 'open design.md to review it']);
    assert.equal(readRecord(spec.dir).status, 'spec_review');
  });

  it('counts the documents shown to the reviewer, not one "Open Design Documents" click (issue 22)', async () => {
    // One click opens all three in one group, one after the other: only the last stays on screen.
    await vscode.commands.executeCommand('spectask.task.openDocs', { taskId: spec.id });
    // Had the flashes counted, design.md would have counted before requirements.md, shown for real after them.
    await vscode.window.showTextDocument(vscode.Uri.file(path.join(spec.dir, 'requirements.md')), { preview: false });
    await eventually(
      async () => !(await approveReasons()).includes('open requirements.md to review it'),
      'requirements.md counts once it stayed on screen',
    );
    assert.deepEqual(await approveReasons(), ['open design.md to review it']);
  });

  it('keeps a line comment in spectask.json and resolves it when its quoted text is removed', async () => {
    const designUri = vscode.Uri.file(path.join(spec.dir, 'design.md'));
    const line = DESIGN.split('\n').indexOf(QUOTED);
    await vscode.window.showTextDocument(designUri, { preview: false, selection: new vscode.Range(line, 0, line, 0) });
    const body = 'Use Redis';
    if (driverAvailable()) {
      // The real UI: "Add Comment on Current Selection", type, Ctrl+Enter runs our Add Comment action.
      // The command needs the editor's commenting ranges, which load asynchronously: retry until it opens.
      await eventually(async () => {
        const open = await readText('.review-widget .comment-form', 2_000).then(
          () => true,
          () => false,
        );
        if (!open) await vscode.commands.executeCommand('workbench.action.addComment');
        return open;
      }, 'the comment widget opened');
      await typeText(body);
      await press('Control+Enter');
    } else {
      // Without the UI driver another reviewer's window writes the comment; this window must pick it up.
      await docs.store.update(spec.id, 'review: comment from another window', (r) => {
        r.reviewComments.push({
          id: 'rc-it-1',
          document: 'design.md',
          line: line + 1,
          quote: QUOTED,
          comment: body,
          author: 'it',
          createdAt: new Date().toISOString(),
        });
      });
    }
    const stored = await found(
      () => readRecord(spec.dir).reviewComments.find((c) => c.comment === body),
      'the comment is in spectask.json',
    );
    assert.equal(stored.document, 'design.md');
    assert.equal(stored.line, line + 1);
    assert.equal(stored.quote, QUOTED);
    assert.equal(stored.resolvedAt, undefined);
    assert.match(
      git(docs.location.worktreePath, 'log', '-1', '--format=%s', '--', path.join(spec.dir, 'spectask.json')),
      /review/,
    );

    const blocked = await found(async () => {
      const r = await vscode.commands.executeCommand<ApproveResult>('spectask.spec.approve', { taskId: spec.id });
      return !r.approved && r.reasons.some((x) => /1 open comment/.test(x)) ? r : undefined;
    }, 'Approve names the open comment');
    assert.ok(!blocked.approved);
    if (driverAvailable()) {
      // The thread shows the saved comment (with its quote) under its label.
      const thread = await found(async () => {
        const t = (await readText('.review-widget', 2_000).catch(() => '')).replace(/\u00a0/g, ' ');
        return /Open/.test(t) && t.includes(QUOTED) ? t : undefined;
      }, 'the thread shows the saved comment');
      assert.match(thread, /Use Redis/);
      await snap('review-thread', '.review-widget');
    }

    // The planning agent rewrites the line while design.md is closed: the quote is gone, so the comment
    // resolves itself, and design.md counts as unread again.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.writeFileSync(
      path.join(spec.dir, 'design.md'),
      DESIGN.replace(QUOTED, 'Store reset tokens in Redis with a TTL.'),
    );
    const resolved = await found(
      () => readRecord(spec.dir).reviewComments.find((c) => c.comment === body && c.resolvedAt),
      'the comment resolved itself',
      30_000,
    );
    assert.equal((resolved as { resolvedBy?: string }).resolvedBy, 'auto');
  });

  it('approves once all three documents were opened at their current content and nothing is open', async () => {
    // design.md changed since it was opened, so it has to be opened again.
    const before = await approveReasons();
    assert.ok(
      before.some((x) => /^(open design\.md|design\.md changed since you opened it)/.test(x)),
      before.join('; '),
    );
    // Each document stays on screen until it counts as seen (a flash does not count). Approve is tried until
    // then; it goes through once the last one counts.
    let approved = false;
    for (const d of ['requirements.md', 'design.md', 'tasks.md']) {
      await vscode.window.showTextDocument(vscode.Uri.file(path.join(spec.dir, d)), { preview: false });
      await eventually(async () => {
        if (approved) return true;
        const res = await vscode.commands.executeCommand<ApproveResult>('spectask.spec.approve', { taskId: spec.id });
        approved = res.approved;
        return res.approved || !res.reasons.some((x) => x.includes(d));
      }, `${d} counts as seen`);
    }
    const r = await found(async () => {
      if (approved) return { approved: true as const };
      const res = await vscode.commands.executeCommand<ApproveResult>('spectask.spec.approve', { taskId: spec.id });
      return res.approved ? res : undefined;
    }, 'Approve goes through');
    assert.equal(r.approved, true);
    const status = await found(() => {
      const s = readRecord(spec.dir).status;
      return s !== 'spec_review' ? s : undefined;
    }, 'the status left spec review');
    assert.ok(
      ['spec_approved', 'queued_implementation', 'implementation', 'implementation_failed'].includes(status),
      status,
    );
    assert.ok(readRecord(spec.dir).history.some((h) => h.trigger === 'approve'));
    // No agent needed here: archive it (stops whatever the scheduler started).
    await vscode.commands.executeCommand('spectask.task.archive', { taskId: spec.id }).then(undefined, () => undefined);
  });

  it('refuses Request changes with nothing to send', async () => {
    const r = await vscode.commands.executeCommand<RequestChangesResult>(
      'spectask.spec.requestChanges',
      { taskId: spec.id },
      '',
    );
    assert.equal(r.sent, 0);
  });

  it('sends the open comments and the overall comment with the move to spec revision in one commit', async () => {
    revised = await plantTask(docs, 'Login audit', 'login-audit', 'spec_review');
    const t = revised;
    await docs.store.update(t.id, 'review: comment from another window', (r) => {
      r.reviewComments.push({
        id: 'rc-it-2',
        document: 'design.md',
        line: 5,
        quote: QUOTED,
        comment: 'Say where the tokens live.',
        author: 'it',
        createdAt: new Date().toISOString(),
      });
    });
    await eventually(
      () => api().services.orchestratorFor(t.id)?.task(t.id)?.record?.reviewComments.length === 1,
      'the extension knows the comment',
    );
    const r = await vscode.commands.executeCommand<RequestChangesResult>(
      'spectask.spec.requestChanges',
      { taskId: t.id },
      'Shorter, please.',
    );
    assert.deepEqual(r, { sent: 2 });
    // The commit that marked the comments as sent is the one that moved the task to spec revision (the agent
    // may have moved it on since).
    const rel = path.relative(docs.location.worktreePath, path.join(t.dir, 'spectask.json'));
    const wt = docs.location.worktreePath;
    const sentIn = git(wt, 'log', '--reverse', '--format=%H', '-S', 'sentInRevision', '--', rel).split('\n')[0];
    // Its own commit, or one coalesced with another task's change that was waiting at the same moment (the
    // message then lists each change on a line of its own).
    assert.match(
      git(wt, 'show', '-s', '--format=%B', sentIn),
      new RegExp(
        `^(?:spectask\\(${t.id}\\): |- (?:${t.id}: )?)request changes \\(1 comment\\): status spec_review → spec_revision$`,
        'm',
      ),
    );
    const committed = JSON.parse(git(wt, 'show', `${sentIn}:${rel}`)) as SpecTaskRecord;
    assert.equal(committed.status, 'spec_revision');
    assert.equal(committed.revisionCount, 1);
    const entries = committed.reviewComments as (SpecTaskRecord['reviewComments'][number] & Record<string, unknown>)[];
    assert.deepEqual(
      entries.map((c) => [c.comment, c.sentInRevision, c.overall ?? false]),
      [
        ['Say where the tokens live.', 1, false],
        ['Shorter, please.', 1, true],
      ],
    );
    // Issue 22: "Compare with Previous Revision" shows a document as it was reviewed, beside the document now.
    const cmp = await vscode.commands.executeCommand<{ shown: boolean }>(
      'spectask.spec.compareWithPrevious',
      vscode.Uri.file(path.join(t.dir, 'design.md')),
    );
    assert.deepEqual(cmp, { shown: true });
    const diff = await found(() => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputTextDiff ? input : undefined;
    }, 'the comparison opens in a diff editor');
    assert.equal(diff.original.scheme, 'spectask-base');
    assert.equal(diff.modified.fsPath, path.join(t.dir, 'design.md'));
    const reviewedDesign = git(wt, 'show', `${sentIn}:${path.posix.dirname(rel.split(path.sep).join('/'))}/design.md`);
    assert.equal((await vscode.workspace.openTextDocument(diff.original)).getText().trim(), reviewedDesign.trim());
    // The revision agent starts now; archive it only once its run is registered, so Archive stops it and no
    // agent outlives this suite.
    const view = () =>
      api()
        .services.orchestratorFor(t.id)
        ?.taskViews()
        .find((v) => v.id === t.id);
    await eventually(
      () => view()?.agentWorking || !['spec_revision', 'spec_generation'].includes(view()?.status ?? ''),
      'the revision run started',
    ).catch((e) => console.log(String(e)));
    await vscode.commands.executeCommand('spectask.task.archive', { taskId: t.id }).then(undefined, () => undefined);
    await eventually(() => !view()?.agentWorking, 'the revision run stopped').catch((e) => console.log(String(e)));
  });

  it('shows the task branch against its base in the multi-file diff editor', async () => {
    // Issue 22: clicked from the dashboard (a group beside the editors), the review opens in the first group.
    await vscode.commands.executeCommand('spectask.fleet.open');
    await eventually(
      () => vscode.window.tabGroups.activeTabGroup.viewColumn !== vscode.ViewColumn.One,
      'the dashboard is in its own group beside the editors',
    );
    const r = await vscode.commands.executeCommand<ImplementationReviewResult>('spectask.implementation.review', {
      taskId: impl.id,
    });
    assert.equal(r.shown, 'multi-diff');
    assert.deepEqual([...r.files].sort(), ['index.js', 'reset.js']);
    const tab = await found(
      () =>
        vscode.window.tabGroups.activeTabGroup.activeTab?.label.startsWith('Review SpecTask')
          ? vscode.window.tabGroups.activeTabGroup.activeTab
          : undefined,
      'the review tab is active',
    );
    assert.match(tab.label, /Reset endpoint/);
    assert.equal(tab.group.viewColumn, vscode.ViewColumn.One, 'the review is not squeezed beside the dashboard');
    if (driverAvailable()) {
      // The letters are git's: reset.js is added, index.js modified (no letter); nothing is "R" (renamed).
      const headers = await eventually(async () => {
        const t = await readText('.multiDiffEntry .file-path');
        return /reset\.js/.test(t) && /index\.js/.test(t) ? t : undefined;
      }, 'both files are listed in the multi-file diff');
      const statuses = await readText('.multiDiffEntry .file-path .status');
      assert.deepEqual(
        statuses
          .split('\n')
          .map((x) => x.trim())
          .sort(),
        ['', 'A'],
        headers,
      );
    }
    // The base side is the file at the merge base, read through the spectask-base: provider.
    const base = await vscode.workspace.openTextDocument(
      vscode.Uri.from({
        scheme: 'spectask-base',
        path: '/index.js',
        query: new URLSearchParams({ repo: ws, rev: git(ws, 'rev-parse', 'main').trim(), path: 'index.js' }).toString(),
      }),
    );
    assert.equal(base.getText(), fs.readFileSync(path.join(ws, 'index.js'), 'utf8'));
    if (driverAvailable()) await snap('review-implementation-diff', '.multiDiffEditor');
    // Issue 22: a command run with no SpecTask named (the palette, the editor title) takes the one whose review is
    // in front of the user instead of asking "Which SpecTask?" (a pick would leave this call unresolved).
    const inferred = await api().services.resolveTask(undefined, { statuses: ['implementation_review'] });
    assert.equal(inferred?.taskId, impl.id);
    const fromBaseSide = await api().services.resolveTask(
      vscode.Uri.from({ scheme: 'spectask-base', path: '/index.js' }),
      { statuses: ['implementation_review'] },
    );
    assert.equal(fromBaseSide?.taskId, impl.id, 'an editor-title argument no SpecTask owns falls back to the review');
  });

  it('reads no base content from a repository the extension did not open (a restored tab or a link)', async () => {
    // A repository outside the workspace: git must not run there (its hooks and config are not the user's choice).
    const other = fs.mkdtempSync(path.join(path.dirname(ws), 'not-opened-'));
    git(other, 'init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(other, 'secret.txt'), 'outside the workspace\n');
    git(other, 'add', '-A');
    git(other, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'one');
    const doc = await vscode.workspace.openTextDocument(
      vscode.Uri.from({
        scheme: 'spectask-base',
        path: '/secret.txt',
        query: new URLSearchParams({
          repo: other,
          rev: git(other, 'rev-parse', 'main').trim(),
          path: 'secret.txt',
        }).toString(),
      }),
    );
    assert.equal(doc.getText(), '');
    fs.rmSync(other, { recursive: true, force: true });
  });

  it('closes the review of a code worktree that is gone (issue 22)', async () => {
    await vscode.commands.executeCommand('spectask.implementation.review', { taskId: impl.id });
    const reviewTabs = () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label.startsWith('Review SpecTask'));
    await eventually(() => reviewTabs().length > 0, 'the review is open');
    git(ws, 'worktree', 'remove', '--force', path.join(ws, '.git-worktrees', `${impl.id}_reset-endpoint`));
    // Any change of the SpecTasks makes the extension look again; archiving this one is such a change.
    await vscode.commands.executeCommand('spectask.task.archive', { taskId: impl.id });
    await eventually(() => reviewTabs().length === 0, 'the review of the removed worktree is closed');
  });
});
