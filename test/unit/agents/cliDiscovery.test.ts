import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  agentCliCacheBin,
  describePlaces,
  discoverCli,
  envWithLoginPath,
  readNpmPrefix,
  searchPlaces,
  type DiscoveryInput,
} from '../../../src/core/agents/cliDiscovery';
import { extractMarkedPath, readLoginShellPath } from '../../../src/core/agents/loginShellPath';
import { disposeAfterEach } from '../../support/disposeAfterEach';

// Issue 22 item 2: with its path setting empty, an agent CLI is found in the usual places — PATH, the login
// shell's PATH, the npm global prefix, ~/.local/bin, the repository's own CLI cache — and never inside an
// opened folder.
describe('agent CLI discovery: the usual places, never the workspace', function () {
  if (process.platform === 'win32') {
    before(function () {
      console.log('    skipped: the fake CLIs are POSIX executables');
      this.skip();
    });
  }
  const track = disposeAfterEach();
  const tmp = () => {
    const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cli-discovery-')));
    track({ dispose: () => fs.rmSync(d, { recursive: true, force: true }) });
    return d;
  };
  const fakeCli = (dir: string, name = 'claude') => {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, name);
    fs.writeFileSync(file, '#!/bin/sh\necho 2.1.330\n', { mode: 0o755 });
    return file;
  };
  const input = (home: string, over: Partial<DiscoveryInput> = {}): DiscoveryInput => ({
    envPath: '',
    home,
    workspaceFolders: [],
    ...over,
  });
  const find = (i: DiscoveryInput, name = 'claude') => discoverCli(name, searchPlaces(i));

  it('finds the CLI on PATH first, then in the login shell’s PATH, the npm prefix, ~/.local/bin and the cache', () => {
    const home = tmp();
    const onPath = path.join(home, 'p');
    const login = path.join(home, 'nvm', 'bin');
    const prefix = path.join(home, '.npm-global');
    const cache = agentCliCacheBin(home);
    const local = path.join(home, '.local', 'bin');
    // Each place is tried only when the ones before it have nothing: remove the front-runner, the next answers.
    fakeCli(cache);
    assert.deepEqual(find(input(home)), { path: path.join(cache, 'claude'), place: '~/.cache/spectask-agent-clis' });
    fakeCli(local);
    assert.deepEqual(find(input(home)), { path: path.join(local, 'claude'), place: '~/.local/bin' });
    fakeCli(path.join(prefix, 'bin'));
    assert.deepEqual(find(input(home, { npmPrefix: prefix })), {
      path: path.join(prefix, 'bin', 'claude'),
      place: 'the npm global prefix',
    });
    fakeCli(login);
    assert.deepEqual(find(input(home, { npmPrefix: prefix, loginShellPath: `/nonexistent:${login}` })), {
      path: path.join(login, 'claude'),
      place: "the login shell's PATH",
    });
    fakeCli(onPath);
    assert.deepEqual(find(input(home, { npmPrefix: prefix, loginShellPath: login, envPath: onPath })), {
      path: path.join(onPath, 'claude'),
      place: 'PATH',
    });
    assert.equal(find(input(home), 'gemini'), undefined, 'a CLI that is nowhere is not found');
  });

  it('never finds a binary inside an opened folder, nor through a relative PATH entry', () => {
    const home = tmp();
    const workspace = path.join(home, 'repo');
    const planted = path.join(workspace, 'node_modules', '.bin');
    fakeCli(planted);
    fakeCli(path.join(workspace, 'tools'));
    const cwd = process.cwd();
    process.chdir(workspace);
    try {
      const i = input(home, {
        envPath: ['.', 'tools', 'node_modules/.bin', planted].join(path.delimiter),
        loginShellPath: `${workspace}/tools/../node_modules/.bin`,
        npmPrefix: path.join(workspace, 'node_modules', '..'),
        workspaceFolders: [workspace],
      });
      assert.equal(find(i), undefined, 'nothing in the workspace is found, however it is named');
      const safe = fakeCli(path.join(home, '.local', 'bin'));
      assert.deepEqual(find(i), { path: safe, place: '~/.local/bin' });
      // The user's home holds the workspace here: ~/.local/bin is still searched, the workspace is not.
      const places = searchPlaces(i);
      assert.ok(
        places.every((p) => p.dirs.every((d) => !d.startsWith(workspace))),
        JSON.stringify(places),
      );
    } finally {
      process.chdir(cwd);
    }
  });

  it('names every place searched in one phrase', () => {
    const home = tmp();
    assert.equal(
      describePlaces(searchPlaces(input(home, { envPath: '/usr/bin', loginShellPath: '/opt/bin', npmPrefix: '/p' }))),
      "PATH, the login shell's PATH, the npm global prefix, ~/.local/bin or ~/.cache/spectask-agent-clis",
    );
  });

  it('reads the npm prefix from NPM_CONFIG_PREFIX or ~/.npmrc, with ~ expanded', () => {
    const home = tmp();
    assert.equal(readNpmPrefix({}, home), undefined);
    fs.writeFileSync(path.join(home, '.npmrc'), 'registry=https://registry.npmjs.org/\nprefix = ~/.npm-global\n');
    assert.equal(readNpmPrefix({}, home), path.join(home, '.npm-global'));
    assert.equal(readNpmPrefix({ NPM_CONFIG_PREFIX: '/opt/npm' }, home), '/opt/npm');
  });

  it('agents get the login shell’s extra PATH directories, appended, and later changes to the environment', () => {
    const home = tmp();
    const env: Record<string, string | undefined> = { PATH: '/usr/bin', HOME: home };
    const places = searchPlaces(input(home, { envPath: '/usr/bin', loginShellPath: '/usr/bin:/opt/node/bin' }));
    const merged = envWithLoginPath(env, places)!;
    assert.equal(merged.PATH, `/usr/bin${path.delimiter}/opt/node/bin`);
    env.ANTHROPIC_BASE_URL = 'http://127.0.0.1:1';
    assert.equal({ ...merged }.ANTHROPIC_BASE_URL, 'http://127.0.0.1:1');
    assert.equal({ ...merged }.PATH, `/usr/bin${path.delimiter}/opt/node/bin`, 'a copy keeps the merged PATH');
    assert.equal(envWithLoginPath(env, searchPlaces(input(home, { envPath: '/usr/bin' }))), undefined);
  });
});

describe('the login shell’s PATH: read once, with a timeout, whatever the profile prints', function () {
  const track = disposeAfterEach();
  const bash = '/bin/bash';
  before(function () {
    if (!fs.existsSync(bash)) {
      console.log('    skipped: no /bin/bash on this machine');
      this.skip();
    }
  });
  const home = (profile: string) => {
    const h = fs.mkdtempSync(path.join(os.tmpdir(), 'login-shell-'));
    track({ dispose: () => fs.rmSync(h, { recursive: true, force: true }) });
    fs.writeFileSync(path.join(h, '.bash_profile'), profile);
    return h;
  };

  it('returns the PATH the profile sets, ignoring what it prints', async () => {
    const h = home('echo "Welcome back"\nexport PATH="$PATH:/opt/from-profile/bin"\n');
    const got = await readLoginShellPath({ shell: bash, env: { HOME: h, PATH: '/usr/bin:/bin' } });
    // /etc/profile may set its own PATH first; the profile's addition comes last and the greeting is left out.
    assert.match(got ?? '', /^\/[^\n]*:\/opt\/from-profile\/bin$/);
    assert.doesNotMatch(got ?? '', /Welcome/);
  });

  it('gives up on a profile that never finishes, and on a shell it does not know', async () => {
    const h = home('sleep 30\n');
    assert.equal(
      await readLoginShellPath({ shell: bash, env: { HOME: h, PATH: '/usr/bin:/bin' }, timeoutMs: 300 }),
      undefined,
    );
    assert.equal(await readLoginShellPath({ shell: '/usr/bin/python3', env: { HOME: h } }), undefined);
    assert.equal(await readLoginShellPath({ shell: 'bash', env: { HOME: h } }), undefined, 'a relative shell');
  });

  it('takes only the marked text', () => {
    assert.equal(extractMarkedPath('motd\n__SPECTASK_PATH__/a:/b__SPECTASK_PATH__bye'), '/a:/b');
    assert.equal(extractMarkedPath('__SPECTASK_PATH____SPECTASK_PATH__'), undefined);
    assert.equal(extractMarkedPath('no marks'), undefined);
  });
});
