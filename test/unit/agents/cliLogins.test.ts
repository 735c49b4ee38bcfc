import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { claudeLoginProblem, codexLoginProblem, geminiLoginProblem } from '../../../src/core/agents/cliLogins';
import { disposeAfterEach } from '../../support/disposeAfterEach';

describe('back-end probe: logged in by the rules the runs use (the user’s own homes)', () => {
  const track = disposeAfterEach();
  const home = () => {
    const h = fs.mkdtempSync(path.join(os.tmpdir(), 'logins-'));
    track({ dispose: () => fs.rmSync(h, { recursive: true, force: true }) });
    return h;
  };
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };

  it('claude: a /login in ~/.claude (or the user’s CLAUDE_CONFIG_DIR), a key, or an apiKeyHelper', function () {
    if (process.platform === 'darwin') {
      console.log('    skipped: on macOS the claude login lives in the keychain, which the probe does not read');
      this.skip();
    }
    const h = home();
    assert.match(claudeLoginProblem({ HOME: h }, false) ?? '', /not logged in/);
    assert.equal(claudeLoginProblem({ HOME: h }, true), undefined);
    write(path.join(h, '.claude', '.credentials.json'), '{"claudeAiOauth":{}}');
    assert.equal(claudeLoginProblem({ HOME: h }, false), undefined);
    const other = home();
    write(path.join(other, 'settings.json'), '{"apiKeyHelper":"pass show anthropic"}');
    assert.equal(claudeLoginProblem({ HOME: home(), CLAUDE_CONFIG_DIR: other }, false), undefined);
  });

  it('codex: auth.json in ~/.codex, or the key of a provider the user configured', () => {
    const h = home();
    assert.match(codexLoginProblem({ HOME: h }, false) ?? '', /not logged in/);
    write(path.join(h, '.codex', 'config.toml'), '[model_providers.corp]\nenv_key = "CORP_KEY"\n');
    assert.match(codexLoginProblem({ HOME: h }, false) ?? '', /not logged in/);
    assert.equal(codexLoginProblem({ HOME: h, CORP_KEY: 'k' }, false), undefined);
    write(path.join(h, '.codex', 'auth.json'), '{}');
    assert.equal(codexLoginProblem({ HOME: h }, false), undefined);
  });

  it('gemini: a key or a Google sign-in; a base URL needs an auth type in ~/.gemini/settings.json', () => {
    const h = home();
    assert.match(geminiLoginProblem({ HOME: h }, false) ?? '', /not logged in/);
    assert.equal(geminiLoginProblem({ HOME: h, GEMINI_API_KEY: 'k' }, false), undefined);
    assert.match(
      geminiLoginProblem({ HOME: h, GEMINI_API_KEY: 'k', GOOGLE_GEMINI_BASE_URL: 'http://gw' }, false) ?? '',
      /selectedType/,
    );
    write(path.join(h, '.gemini', 'settings.json'), '{"security":{"auth":{"selectedType":"gemini-api-key"}}}');
    assert.equal(
      geminiLoginProblem({ HOME: h, GEMINI_API_KEY: 'k', GOOGLE_GEMINI_BASE_URL: 'http://gw' }, false),
      undefined,
    );
    write(path.join(h, '.gemini', 'oauth_creds.json'), '{}');
    assert.equal(geminiLoginProblem({ HOME: h }, false), undefined);
  });
});
