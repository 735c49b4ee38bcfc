import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { SpecTaskService } from '../../../src/core/service/specTaskService';
import { git } from '../../support/tempRepo';

// Issue 25: "create a SpecTask (also from a sample)" through the public API. The service creates the sample as a
// new git repository with its design-docs branch and first SpecTask; the extension's samples/ are the catalog.
describe('SpecTaskService: a SpecTask from a sample project', function () {
  this.timeout(60_000);
  const samplesDir = path.resolve(__dirname, '../../../../samples');
  let parent: string;
  let registry: GitQueueRegistry;
  let service: SpecTaskService;
  const logged: string[] = [];
  const savedTemplate = process.env.GIT_TEMPLATE_DIR;
  beforeEach(() => {
    parent = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'from-sample-')));
    registry = new GitQueueRegistry();
    service = new SpecTaskService(() => [], {
      samplesDir,
      registry,
      backend: () => 'claude',
      log: (l) => logged.push(l),
    });
  });
  afterEach(() => {
    if (savedTemplate === undefined) delete process.env.GIT_TEMPLATE_DIR;
    else process.env.GIT_TEMPLATE_DIR = savedTemplate;
    fs.rmSync(parent, { recursive: true, force: true });
  });

  it('lists the shipped samples with their goals', () => {
    const express = service.listSamples().find((s) => s.id === 'express-todo-api');
    assert.ok(express, 'the express sample is listed');
    assert.ok(express.suggestedGoals.length > 0);
  });

  it('copies the sample as a new repository, with the design-docs branch and the first SpecTask', async () => {
    const folder = path.join(parent, 'todo');
    const t = await service.createSpecTaskFromSample({ sample: 'express-todo-api', folder, start: 'plan' });
    assert.equal(t.repoRoot, folder);
    assert.equal(t.status, 'queued_spec_generation');
    const express = service.listSamples().find((s) => s.id === 'express-todo-api')!;
    assert.equal(
      t.title,
      express.suggestedGoals[0]!.slice(0, 79) + (express.suggestedGoals[0]!.length > 80 ? '…' : ''),
    );
    assert.equal(git(folder, 'rev-list', '--count', 'main'), '1');
    assert.ok(fs.existsSync(path.join(folder, 'package.json')));
    assert.ok(!fs.existsSync(path.join(folder, 'node_modules')), 'nothing installed unless asked');
    const files = git(folder, 'ls-tree', '-r', '--name-only', 'helix-design-docs').split('\n');
    const record = files.find((f) => f.endsWith('/spectask.json'))!;
    const committed = JSON.parse(git(folder, 'show', `helix-design-docs:${record}`)) as {
      status: string;
      backend: string;
    };
    assert.equal(committed.status, 'queued_spec_generation');
    assert.equal(committed.backend, 'claude');
  });

  it('runs no hook a git template brings into the new repository', async () => {
    const template = path.join(parent, 'template');
    const marker = path.join(parent, 'hook-ran');
    fs.mkdirSync(path.join(template, 'hooks'), { recursive: true });
    for (const hook of ['pre-commit', 'post-commit', 'reference-transaction']) {
      fs.writeFileSync(path.join(template, 'hooks', hook), `#!/bin/sh\necho ${hook} >> '${marker}'\n`, { mode: 0o755 });
    }
    process.env.GIT_TEMPLATE_DIR = template;
    const folder = path.join(parent, 'hooked');
    await service.createSpecTaskFromSample({ sample: 'empty-project', folder, goal: 'Add a README' });
    assert.ok(fs.existsSync(path.join(folder, '.git', 'hooks', 'post-commit')), 'the template did bring its hooks');
    assert.equal(fs.existsSync(marker), false, 'no hook ran');
  });

  it('refuses what could overwrite or escape: an existing folder, a relative or unnormalized path, an unknown sample', async () => {
    const existing = path.join(parent, 'there');
    fs.mkdirSync(existing);
    const cases: [object, RegExp][] = [
      [{ sample: 'express-todo-api', folder: existing }, /exists already/],
      [{ sample: 'express-todo-api', folder: 'relative/x' }, /absolute, normalized path/],
      [{ sample: 'express-todo-api', folder: `${parent}/a/../b` }, /absolute, normalized path/],
      [{ sample: 'express-todo-api', folder: path.join(parent, 'no', 'parent') }, /parent must exist/],
      [{ sample: '../samples', folder: path.join(parent, 'y') }, /sample must be the id/],
      [{ sample: 'nope', folder: path.join(parent, 'y') }, /no sample project 'nope'/],
      [{ sample: 'express-todo-api', folder: path.join(parent, 'y'), install: 'yes' }, /install must be true or false/],
      [{ sample: 'express-todo-api', folder: path.join(parent, 'y'), goal: 'x\u0000' }, /NUL/],
      [[], /must be an object|the request/],
    ];
    for (const [req, why] of cases) await assert.rejects(service.createSpecTaskFromSample(req), why);
    assert.deepEqual(fs.readdirSync(existing), [], 'the existing folder is untouched');
    assert.equal(fs.existsSync(path.join(parent, 'y')), false);
  });

  it('is refused where no samples are shipped', async () => {
    await assert.rejects(
      new SpecTaskService(() => []).createSpecTaskFromSample({ sample: 'x', folder: '/tmp/x' }),
      /no sample projects are shipped/,
    );
  });
});
