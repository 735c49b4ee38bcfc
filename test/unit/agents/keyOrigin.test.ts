import * as assert from 'node:assert/strict';
import {
  decodeStoredKey,
  encodeStoredKey,
  isLoopbackHost,
  keyMayGoTo,
  plainHttpProblem,
  urlOrigin,
} from '../../../src/core/agents/keyOrigin';

// Issue 18 items 2 and 9: the OpenAI-compatible API key goes only to the origin it was entered for, and never
// over plain http to another machine.
describe('API key origin binding', () => {
  it('takes scheme://host:port as the origin, default ports normalised, non-http schemes refused', () => {
    assert.equal(urlOrigin('https://api.example.com/v1'), 'https://api.example.com');
    assert.equal(urlOrigin('https://api.example.com:443/v1/'), 'https://api.example.com');
    assert.equal(urlOrigin('http://127.0.0.1:11434/v1'), 'http://127.0.0.1:11434');
    assert.equal(urlOrigin('HTTP://LocalHost:8080'), 'http://localhost:8080');
    assert.equal(urlOrigin('file:///etc/passwd'), undefined);
    assert.equal(urlOrigin('not a url'), undefined);
  });

  it('knows loopback: localhost, 127.0.0.0/8, ::1 and nothing else', () => {
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', 'LOCALHOST.']) assert.ok(isLoopbackHost(h), h);
    for (const h of ['10.0.0.1', '192.168.1.2', 'localhost.evil.com', '127.0.0.1.nip.io', 'example.com', '[::2]'])
      assert.equal(isLoopbackHost(h), false, h);
  });

  it('refuses a key over plain http to a non-loopback host, allows https and loopback http', () => {
    assert.equal(plainHttpProblem('https://api.example.com/v1'), undefined);
    assert.equal(plainHttpProblem('http://localhost:11434/v1'), undefined);
    assert.equal(plainHttpProblem('http://127.0.0.1:8080/v1'), undefined);
    assert.equal(plainHttpProblem('http://[::1]:8080/v1'), undefined);
    // URL parsing normalises the short forms of 127.0.0.1 before the check.
    assert.equal(plainHttpProblem('http://127.1:8080/v1'), undefined);
    assert.match(plainHttpProblem('http://gpu-box.lan:8000/v1') ?? '', /plain http to gpu-box\.lan:8000/);
    assert.match(plainHttpProblem('http://localhost.evil.com/v1') ?? '', /plain http/);
  });

  it('sends the key only to the origin it was entered for', () => {
    const stored = decodeStoredKey(encodeStoredKey('sk-1', 'https://api.example.com/v1'))!;
    assert.deepEqual(stored, { key: 'sk-1', origin: 'https://api.example.com' });
    assert.deepEqual(keyMayGoTo(stored, 'https://api.example.com/v2/'), { ok: true });
    const moved = keyMayGoTo(stored, 'https://evil.example.net/v1');
    assert.deepEqual(moved, {
      ok: false,
      problem:
        'the stored API key was entered for https://api.example.com; enter it again for https://evil.example.net (Configure Agent Back-ends).',
    });
    // Another port or scheme is another origin.
    assert.equal(keyMayGoTo(stored, 'https://api.example.com:8443/v1').ok, false);
    assert.equal(keyMayGoTo(stored, 'http://api.example.com/v1').ok, false);
  });

  it('refuses a key stored without an origin and a key bound to a remote plain-http origin', () => {
    assert.deepEqual(decodeStoredKey('sk-legacy'), { key: 'sk-legacy' });
    assert.match(
      (keyMayGoTo({ key: 'sk-legacy' }, 'https://api.example.com/v1') as { problem: string }).problem,
      /enter it again for https:\/\/api\.example\.com/,
    );
    const lan = decodeStoredKey(encodeStoredKey('sk-2', 'http://gpu-box.lan:8000/v1'))!;
    assert.match((keyMayGoTo(lan, 'http://gpu-box.lan:8000/v1') as { problem: string }).problem, /plain http/);
    assert.equal(decodeStoredKey(undefined), undefined);
    assert.equal(decodeStoredKey(''), undefined);
  });
});
