import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanupTemp, GIT_ENV, makeRepo, tempDir } from '../../support/tempRepo';
import { runCli } from './runCli';

// dist/cli.js (the `spectask` bin) holds the design-docs commands only; every other command line runs in the
// whole CLI, dist/cliFull.js, loaded for it (issue 24: loading 1.2 MB was most of a `spectask list`).
const DIST = path.resolve('dist');

function spectask(cli: string, cwd: string, ...argv: string[]) {
  const r = spawnSync(process.execPath, [cli, ...argv], { cwd, env: GIT_ENV, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('CLI bundles: dist/cli.js runs the design-docs commands without the whole CLI', function () {
  this.timeout(60_000);
  after(cleanupTemp);

  it('the bin alone lists, shows and parses checklists; the other commands need dist/cliFull.js, named', () => {
    const root = makeRepo();
    const alone = tempDir();
    fs.copyFileSync(path.join(DIST, 'cli.js'), path.join(alone, 'cli.js'));
    const cli = path.join(alone, 'cli.js');
    assert.equal(spectask(path.join(DIST, 'cli.js'), root, 'create', 'Add login').code, 0);

    const listed = spectask(cli, root, 'list', '--json');
    assert.equal(listed.code, 0, listed.err);
    assert.deepEqual(
      (JSON.parse(listed.out) as { tasks: { title: string }[] }).tasks.map((t) => t.title),
      ['Add login'],
    );
    assert.equal(spectask(cli, root, 'show', '1').code, 0);
    assert.match(spectask(cli, root, '--version').out, /^\d+\.\d+\.\d+\n$/);

    for (const argv of [['queue', '--json'], ['help'], ['fleet']]) {
      const r = spectask(cli, root, ...argv);
      assert.equal(r.code, 1, `${argv.join(' ')}: ${r.out}`);
      assert.match(r.err, /^spectask: the CLI is not built completely \(.*cliFull\.js\)/);
    }
  });

  it('through the bin, every command line reads and fails as the in-process CLI does', async () => {
    const root = makeRepo();
    const bin = path.join(DIST, 'cli.js');
    for (const argv of [
      ['list', '--json'],
      ['queue', '--json'],
      ['help'],
      ['bogus'],
      ['list', '--bogus'],
      ['--json'],
      ['show', '42'],
      ['create'],
      ['--repo', root, 'list'],
    ]) {
      const viaBin = spectask(bin, root, ...argv);
      const inProcess = await runCli(root, ...argv);
      assert.deepEqual(
        { code: viaBin.code, out: viaBin.out, err: viaBin.err },
        { code: inProcess.code, out: inProcess.out, err: inProcess.err },
        argv.join(' '),
      );
    }
  });

  it('a command named like an object property is unknown, in both bundles', async () => {
    const root = makeRepo();
    for (const name of ['constructor', 'toString', '__proto__']) {
      const inProcess = await runCli(root, name);
      assert.deepEqual(
        inProcess,
        { code: 2, out: '', err: `spectask: unknown command '${name}'. Run 'spectask help'.\n` },
        name,
      );
      const viaBin = spectask(path.join(DIST, 'cli.js'), root, name);
      assert.deepEqual({ code: viaBin.code, out: viaBin.out, err: viaBin.err }, inProcess, name);
    }
  });
  it('`list` evaluates only what reads: the modules of the commands that write are not run', () => {
    const root = makeRepo();
    assert.equal(spectask(path.join(DIST, 'cli.js'), root, 'create', 'Add login').code, 0);
    // Node's own modules that only the writing side needs (a commit's object: zlib; a record's hash: crypto).
    const probe = path.join(tempDir(), 'probe.js');
    fs.writeFileSync(
      probe,
      `process.on('exit', () => require('node:fs').writeSync(2, '\\nLOADED ' + JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (zlib|crypto)$/.test(m)))));`,
    );
    const loaded = (argv: string[]) => {
      const r = spawnSync(process.execPath, ['--require', probe, path.join(DIST, 'cli.js'), ...argv], {
        cwd: root,
        env: GIT_ENV,
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(/LOADED (.*)$/.exec(r.stderr)![1]) as string[];
    };
    assert.deepEqual(loaded(['list', '--json']), []);
    assert.notDeepEqual(loaded(['show', '1']), [], 'the probe sees what a command that writes evaluates');
  });
});
