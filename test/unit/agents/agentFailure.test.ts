import * as assert from 'node:assert/strict';
import { apiErrorKind, statusInText, stderrReason } from '../../../src/core/agents/agentFailure';

describe('agent failures: which ones no retry fixes, and the line that says why', () => {
  it('classifies API errors by status and wording', () => {
    assert.equal(apiErrorKind(401, ''), 'auth');
    assert.equal(apiErrorKind(403, ''), 'auth');
    assert.equal(apiErrorKind(undefined, 'Not logged in · Please run /login'), 'auth');
    assert.equal(apiErrorKind(500, 'Internal Server Error'), 'fatal-api');
    assert.equal(apiErrorKind(429, 'rate limited'), undefined);
    assert.equal(apiErrorKind(408, 'timeout'), undefined);
    assert.equal(apiErrorKind(undefined, '{"error":{"type":"invalid_request_error"}}'), 'fatal-api');
    assert.equal(apiErrorKind(undefined, 'something odd happened'), undefined);
  });

  it('finds the HTTP status in codex and gemini error texts', () => {
    assert.equal(statusInText('unexpected status 401 Unauthorized: Incorrect API key provided'), 401);
    assert.equal(statusInText('[API Error: {"error":{"code":500,"message":"boom"}}]'), 500);
    assert.equal(statusInText('Reconnecting... 2/5 (unexpected status 503 Service Unavailable)'), 503);
    assert.equal(statusInText('wrote 404 lines'), undefined);
  });

  it('keeps the error line of a rejected command line and drops the help text (clap, yargs)', () => {
    const clap = [
      "error: unexpected argument '--bogus' found",
      '',
      "  tip: to pass '--bogus' as a value, use '-- --bogus'",
      '',
      'Usage: codex exec [OPTIONS] [PROMPT]',
      '',
      "For more information, try '--help'.",
    ].join('\n');
    assert.equal(
      stderrReason(clap),
      "it rejected its command line: tip: to pass '--bogus' as a value, use '-- --bogus'",
    );
    assert.equal(stderrReason('plain failure\nsecond line'), 'plain failure\nsecond line', 'other stderr is unchanged');
  });
});
