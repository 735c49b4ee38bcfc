import * as assert from 'node:assert/strict';
import { classifyLink } from '../../../src/protocol/linkPolicy';

describe('classifyLink', () => {
  it('lets http(s) links through as web links', () => {
    assert.deepEqual(classifyLink('https://example.com/a?b=1#c'), { kind: 'web', url: 'https://example.com/a?b=1#c' });
    assert.deepEqual(classifyLink('HTTP://Example.com'), { kind: 'web', url: 'http://example.com/' });
  });

  it('treats plain paths as files, with an optional line', () => {
    assert.deepEqual(classifyLink('src/auth.ts'), { kind: 'file', path: 'src/auth.ts' });
    assert.deepEqual(classifyLink('design.md#L12'), { kind: 'file', path: 'design.md', line: 12 });
    assert.deepEqual(classifyLink('docs/my%20notes.md'), { kind: 'file', path: 'docs/my notes.md' });
    assert.deepEqual(classifyLink('C:\\repo\\a.ts'), { kind: 'file', path: 'C:\\repo\\a.ts' });
  });

  it('refuses every other scheme and disguise', () => {
    for (const bad of [
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'vbscript:x',
      'data:text/html,<script>',
      'command:workbench.action.terminal.new',
      'file:///etc/passwd',
      'vscode://x',
      '//evil.example/x',
      'https://',
      'java\u0000script:x',
      'a\nb',
      '',
      '   ',
      '%E0%A4%A',
    ]) {
      assert.equal(classifyLink(bad), undefined, JSON.stringify(bad));
    }
  });
});
