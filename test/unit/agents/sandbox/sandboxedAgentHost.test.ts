import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentInvocation, AgentProcess, ProcessExit } from '../../../../src/core/agents/agentHost';
import { SandboxedAgentHost } from '../../../../src/core/agents/sandbox/sandboxedAgentHost';
import { probeSandbox, type SandboxStatus } from '../../../../src/core/agents/sandbox/sandboxProbe';
import { cleanupTemp, git, makeCleanRepo, tempDir } from '../../../support/tempRepo';

/** Living `sleep` processes (not zombies) whose command line holds `marker`. */
function withMarker(marker: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid)
    .filter((n) => {
      try {
        const stat = fs.readFileSync(`/proc/${n}/stat`, 'utf8');
        const alive = stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
        const cmdline = fs.readFileSync(`/proc/${n}/cmdline`, 'utf8').replace(/\0/g, ' ');
        return alive && cmdline.startsWith('sleep ') && cmdline.includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function output(p: AgentProcess): Promise<{ out: string; err: string; exit: ProcessExit }> {
  let out = '';
  let err = '';
  p.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  p.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  return p.closed.then((exit) => ({ out, err, exit }));
}

const HOMES = path.resolve('test-results', 'sandbox-homes');

/** A code worktree of a real repository, a SpecTask folder, a home with a planted secret, a state folder. */
function world() {
  const repo = makeCleanRepo();
  const worktree = path.join(repo, '.git-worktrees', '000001_sandbox');
  git(repo, 'worktree', 'add', '-q', '-b', 'spectask/000001-sandbox', worktree);
  const specFolder = path.join(tempDir('spectask-spec-'), 'design', 'tasks', '000001_sandbox');
  fs.mkdirSync(specFolder, { recursive: true });
  // Outside /tmp (private in the sandbox anyway), so that only hiding the home can keep the secret unreadable.
  fs.mkdirSync(HOMES, { recursive: true });
  const home = fs.mkdtempSync(path.join(HOMES, 'home-'));
  fs.writeFileSync(path.join(home, 'secret'), 'planted-secret\n');
  fs.mkdirSync(path.join(home, '.claude'));
  const stateDir = path.join(repo, '.git', 'spectask', 'agents', '000001', 'claude');
  return { repo, worktree, specFolder, home, stateDir, commonDir: path.join(repo, '.git') };
}

describe('SandboxedAgentHost (agents inside bubblewrap, real bwrap)', function () {
  this.timeout(30_000);
  let status: SandboxStatus;
  let w: ReturnType<typeof world>;
  const started: AgentProcess[] = [];

  before(async function () {
    status = await probeSandbox();
    if (!status.available) {
      console.log(`    skipped: the bubblewrap sandbox cannot run here: ${status.reason}`);
      this.skip();
    }
  });
  beforeEach(() => {
    w = world();
  });
  afterEach(async () => {
    for (const p of started.splice(0)) await p.killTree();
  });
  after(() => {
    cleanupTemp();
    fs.rmSync(HOMES, { recursive: true, force: true });
  });

  const host = () => new SandboxedAgentHost({ userHome: w.home });
  const sh = (script: string, over: Partial<AgentInvocation> = {}): AgentInvocation => ({
    command: 'sh',
    args: ['-c', script],
    cwd: w.worktree,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: w.home },
    stdin: 'ignore',
    sandbox: { writable: [w.worktree, w.specFolder], stateDirs: [w.stateDir], backend: 'claude-cli' },
    ...over,
  });
  const launch = (h: SandboxedAgentHost, inv: AgentInvocation) => {
    const p = h.launch(inv);
    started.push(p);
    return p;
  };

  it('hides the home, keeps every git dir read-only and the machine too; the worktree and SpecTask folder are writable', async () => {
    const hostTmp = path.join('/tmp', `spectask-host-only-${process.pid}`);
    fs.writeFileSync(hostTmp, 'host tmp\n');
    try {
      const attempts: Record<string, string> = {
        readSecret: `cat "$HOME/secret"`,
        writeHook: `echo 'touch /tmp/pwned' > "${w.commonDir}/hooks/post-commit"`,
        appendConfig: `printf '[core]\\n\\tfsmonitor = touch /tmp/pwned\\n' >> "${w.commonDir}/config"`,
        writeWorktreeGitDir: `echo x > "${w.commonDir}/worktrees/000001_sandbox/HEAD"`,
        rewriteDotGit: `echo 'gitdir: /elsewhere' > .git`,
        writeUserCheckout: `echo x > "${w.repo}/README.md" && cat "${w.repo}/README.md"`,
        writeEtc: `echo x > /etc/spectask-sandbox-test`,
        gitCommit: `git -c user.name=a -c user.email=a@b commit -q --allow-empty -m agent`,
        readHostTmp: `cat "${hostTmp}"`,
        writeWorktree: `echo work > hello.txt`,
        writeSpecFolder: `echo spec > "${w.specFolder}/notes.md"`,
        writeState: `echo s > "${w.stateDir}/session.json"`,
        writeCliState: `echo c > "$HOME/.claude/settings.json"`,
        writeTmp: `echo t > /tmp/inside && cat /tmp/inside`,
      };
      const script = Object.entries(attempts)
        .map(([name, cmd]) => `if (${cmd}) >/dev/null 2>&1; then echo ${name}=ok; else echo ${name}=refused; fi`)
        .join('\n');
      const { out, exit } = await output(launch(host(), sh(script)));
      assert.equal(exit.code, 0, out);
      const got = Object.fromEntries(
        out
          .trim()
          .split('\n')
          .map((l) => l.split('=') as [string, string]),
      );
      assert.deepEqual(got, {
        readSecret: 'refused',
        writeHook: 'refused',
        appendConfig: 'refused',
        writeWorktreeGitDir: 'refused',
        rewriteDotGit: 'refused',
        // Outside the worktree the user's checkout is read-only, or (under /tmp or the home) not there at all: a
        // write lands in the sandbox's own tmpfs and never reaches the host (checked below).
        writeUserCheckout: w.repo.startsWith('/tmp/') ? 'ok' : 'refused',
        writeEtc: 'refused',
        gitCommit: 'refused',
        readHostTmp: 'refused',
        writeWorktree: 'ok',
        writeSpecFolder: 'ok',
        writeState: 'ok',
        writeCliState: 'ok',
        writeTmp: 'ok',
      });
      // The host sees the allowed writes and none of the refused ones.
      assert.equal(fs.readFileSync(path.join(w.worktree, 'hello.txt'), 'utf8'), 'work\n');
      assert.equal(fs.readFileSync(path.join(w.specFolder, 'notes.md'), 'utf8'), 'spec\n');
      assert.equal(fs.readFileSync(path.join(w.stateDir, 'session.json'), 'utf8'), 's\n');
      assert.equal(fs.readFileSync(path.join(w.home, '.claude', 'settings.json'), 'utf8'), 'c\n');
      assert.ok(!fs.existsSync(path.join(w.commonDir, 'hooks', 'post-commit')));
      assert.ok(!fs.readFileSync(path.join(w.commonDir, 'config'), 'utf8').includes('fsmonitor'));
      assert.equal(git(w.worktree, 'rev-list', '--count', 'HEAD'), '1', 'no commit was made');
      assert.ok(!fs.existsSync('/tmp/inside'), '/tmp inside the sandbox is private');
      assert.equal(
        fs.readFileSync(path.join(w.repo, 'README.md'), 'utf8'),
        '# app\n',
        "the user's checkout is unchanged",
      );
    } finally {
      fs.rmSync(hostTmp, { force: true });
    }
  });

  it('lets git read the repository inside the sandbox (status and log work with the git dirs read-only)', async () => {
    const { out, exit } = await output(launch(host(), sh('git status --porcelain && git log --format=%s')));
    assert.equal(exit.code, 0, out);
    assert.equal(out.trim(), 'initial');
  });

  it('killTree kills the whole sandboxed tree, a detached sleep included; identity and isAlive follow it', async () => {
    const h = host();
    const marker = `${9_000_000 + (process.pid % 100_000)}`;
    const p = launch(h, sh(`setsid sleep ${marker} & sleep ${marker}.5 & echo started; wait`));
    await new Promise<void>((resolve) => p.stdout.once('data', () => resolve()));
    await until('both sleeps run', () => withMarker(marker).length === 2);
    const id = await p.identity();
    assert.ok(id && id.pid === p.pid, 'the identity is the recorded process');
    assert.equal(await h.isAlive(id), true);
    await p.killTree({ softSignal: 'SIGINT', graceMs: 200 });
    await until('every sleep is gone', () => withMarker(marker).length === 0);
    assert.equal(await h.isAlive(id), false);
  });

  it('killTreeOf (ledger resume) kills a recorded sandbox and everything in it, a detached sleep included', async () => {
    const h = host();
    const marker = `${8_000_000 + (process.pid % 100_000)}`;
    const p = launch(h, sh(`setsid sleep ${marker} & echo started; wait`));
    await new Promise<void>((resolve) => p.stdout.once('data', () => resolve()));
    await until('the sleep runs', () => withMarker(marker).length === 1);
    const id = (await p.identity())!;
    await h.killTreeOf(id);
    await p.exited;
    await until('the sleep is gone', () => withMarker(marker).length === 0);
    assert.equal(await h.isAlive(id), false);
  });

  it('passes the soft signal to the agent inside (bwrap forwards none), so it can stop cleanly', async () => {
    const p = launch(host(), sh(`trap 'echo saved > saved.txt; exit 0' INT; echo ready; while :; do sleep 0.1; done`));
    await new Promise<void>((resolve) => p.stdout.once('data', () => resolve()));
    await p.killTree({ softSignal: 'SIGINT', graceMs: 10_000 });
    assert.equal(fs.readFileSync(path.join(w.worktree, 'saved.txt'), 'utf8'), 'saved\n');
  });

  it('passes stdin through and reports a program missing on PATH as ENOENT, like the local host', async () => {
    const p = launch(host(), sh('cat', { stdin: 'pipe' }));
    p.stdin!.end('prompt text');
    assert.equal((await output(p)).out, 'prompt text');
    const missing = await launch(host(), sh('', { command: 'no-such-agent-cli' })).exited;
    assert.equal(missing.error?.code, 'ENOENT');
  });

  it('fails at once, saying why and how to turn it off, when bwrap is missing: never a run outside it', async () => {
    const noBwrap = tempDir('spectask-nobwrap-');
    const h = new SandboxedAgentHost({ userHome: w.home, probe: () => probeSandbox({ envPath: noBwrap }) });
    const marker = path.join(w.worktree, 'ran.txt');
    const { exit } = await output(launch(h, sh(`echo ran > "${marker}"`)));
    assert.equal(exit.code, null);
    assert.match(exit.error?.message ?? '', /sandbox is unavailable: bubblewrap \(bwrap\) is not installed/);
    assert.match(exit.error?.message ?? '', /spectask\.agents\.sandbox/);
    assert.ok(!fs.existsSync(marker), 'the command never ran');
  });

  it("runs a custom command's script that lies under /tmp (a clone there): the user's own program stays readable", async () => {
    const dir = tempDir('spectask-agent-script-');
    fs.writeFileSync(path.join(dir, 'helper.mjs'), 'export const word = "from the helper";\n');
    fs.writeFileSync(path.join(dir, 'agent.mjs'), 'import { word } from "./helper.mjs";\nconsole.log(word);\n');
    const script = path.join(dir, 'agent.mjs');
    const inv = sh('', { command: process.execPath, args: [script] });
    const { out, err } = await output(launch(host(), { ...inv, sandbox: { ...inv.sandbox!, programFiles: [script] } }));
    assert.equal(out, 'from the helper\n', err);
    // Without naming it, /tmp is private: the script is not there (what programFiles is for).
    const hidden = await output(launch(host(), inv));
    assert.match(hidden.err, /Cannot find module/);
  });

  it('runs on the inner host, unconfined, when the setting is off', async () => {
    const h = new SandboxedAgentHost({ userHome: w.home, enabled: () => false });
    const { out } = await output(launch(h, sh('cat "$HOME/secret"')));
    assert.equal(out, 'planted-secret\n');
  });
});
