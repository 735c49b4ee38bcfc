import * as assert from 'node:assert/strict';
import { backendRefusalText, pathChangeNotice, probeDetail } from '../../../src/vscode/views/backendStatusText';

// Issue 22 items 2, 8 and 14: what the user reads about a back-end — the path and version used and where it was
// found, and why it cannot start in one sentence (no wall of text).
describe('back-end status text: the path used, and a refusal in one sentence', () => {
  const found = {
    path: '/root/.cache/spectask-agent-clis/node_modules/.bin/claude',
    place: '~/.cache/spectask-agent-clis',
  };

  it('says which binary and version are used, and where a searched-for CLI was found', () => {
    assert.equal(
      probeDetail({ available: true, binary: found.path, version: '2.1.330' }, found),
      `Using ${found.path} 2.1.330 (found in ~/.cache/spectask-agent-clis)`,
    );
    assert.equal(
      probeDetail({ available: true, binary: '/usr/bin/claude', version: '2.1.330' }, found),
      'Using /usr/bin/claude 2.1.330',
    );
    assert.equal(probeDetail({ available: true }), 'Available');
    assert.equal(probeDetail({ available: false, problem: 'no key' }), 'Unavailable: no key');
  });

  it('confirms a changed path with the version, or refuses in one sentence', () => {
    assert.deepEqual(pathChangeNotice('Codex', { available: true, binary: '/opt/codex', version: '0.169.0' }), {
      ok: true,
      text: 'Codex: using /opt/codex 0.169.0.',
    });
    const bad = pathChangeNotice('Codex', {
      available: false,
      problem:
        "Codex: '/opt/nope' does not exist or is not executable. Install it with `npm install -g @openai/codex` or set its path in the settings.",
    });
    assert.deepEqual(bad, { ok: false, text: "Codex cannot run: '/opt/nope' does not exist or is not executable." });
  });

  it('keeps only the first sentence of a long problem, without repeating the label', () => {
    const problem =
      "Claude Code: 'claude' was not found in PATH, ~/.local/bin or ~/.cache/spectask-agent-clis. Install it with `npm install -g @anthropic-ai/claude-code` or set its path in the settings.";
    assert.equal(
      backendRefusalText('Claude Code', 'plan it', problem),
      "Claude Code cannot plan it: 'claude' was not found in PATH, ~/.local/bin or ~/.cache/spectask-agent-clis.",
    );
    assert.equal(
      backendRefusalText('Custom command', 'implement it', 'not configured'),
      'Custom command cannot implement it: not configured.',
    );
    assert.equal(backendRefusalText('Gemini CLI', 'run', undefined), 'Gemini CLI cannot run: it is unavailable.');
  });
});
