import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AgentEvent } from '../../../src/core/agents/agentEvents';
import { createClaudeBackend } from '../../../src/core/agents/claudeBackend';
import { isOutsideGranted } from '../../../src/core/agents/worktreePaths';
import { baseRequest } from './fixtureReplay';

// Issue 17 item 10 (and issue 22 item 13): the implementation agent ticks tasks.md in its SpecTask folder, which
// the orchestrator grants it (extraDirs). Those writes are expected; only a file outside every granted folder is
// flagged "outside its worktree".
describe('file changes outside the worktree', () => {
  let base: string;
  let wt: string;
  let folder: string;
  beforeEach(() => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'outside-')));
    wt = path.join(base, 'wt');
    folder = path.join(base, 'docs', 'design', 'tasks', '000001_x');
    fs.mkdirSync(wt, { recursive: true });
    fs.mkdirSync(folder, { recursive: true });
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('isOutsideGranted: the worktree and the SpecTask folder are granted, their parent and siblings are not', () => {
    const granted = [wt, folder];
    assert.equal(isOutsideGranted(wt, granted, 'src/a.ts'), false);
    assert.equal(isOutsideGranted(wt, granted, path.join(folder, 'tasks.md')), false);
    assert.equal(isOutsideGranted(wt, granted, path.join(folder, '..', '000002_y', 'tasks.md')), true);
    assert.equal(isOutsideGranted(wt, granted, '../docs/design/tasks/000001_x/../../secret'), true);
    assert.equal(isOutsideGranted(wt, granted, '/etc/passwd'), true);
  });

  it('a CLI run warns about a write outside, not about its tasks.md tick', async () => {
    // Stands in for Claude Code: reports two edits the way its stream-json does (tool_use_result).
    const cli = path.join(base, 'claude');
    const edit = (filePath: string) =>
      JSON.stringify({ type: 'user', message: { content: [] }, tool_use_result: { type: 'update', filePath } });
    fs.writeFileSync(
      cli,
      `#!/bin/sh\ncat <<'EOF'\n${edit(path.join(folder, 'tasks.md'))}\n${edit(path.join(base, 'elsewhere.txt'))}\nEOF\n`,
      { mode: 0o755 },
    );
    const run = createClaudeBackend({
      binary: cli,
      sourceEnv: { PATH: process.env.PATH, ANTHROPIC_API_KEY: 'k' },
    }).start(baseRequest({ worktree: wt, extraDirs: [folder], permissions: { mode: 'edit' } }));
    const events: AgentEvent[] = [];
    for await (const e of run.events) events.push(e);
    const changes = events.flatMap((e) =>
      e.t === 'file_change' ? [[path.basename(e.path), !!e.outsideWorktree]] : [],
    );
    assert.deepEqual(changes, [
      ['tasks.md', false],
      ['elsewhere.txt', true],
    ]);
    const warnings = events.flatMap((e) =>
      e.t === 'notice' && /outside its worktree/.test(e.message) ? [e.message] : [],
    );
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /elsewhere\.txt/);
  });
});
