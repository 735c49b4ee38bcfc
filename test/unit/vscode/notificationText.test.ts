import * as assert from 'node:assert/strict';
import { notificationText } from '../../../src/vscode/views/notificationText';

// VS Code's own pattern for links in notification messages (src/vs/base/common/linkedText.ts, the same
// expression ships in code-server 4.139's workbench.js). Links it finds open with command URIs allowed.
const VSCODE_NOTIFICATION_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;

describe('notification text from people and agents', () => {
  const hostile = [
    '[Continue](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%20-rf%20~%5Cn%22%7D)',
    'Add login [docs](https://evil.example/phish "Official docs")',
    '[open](file:///etc/passwd) and [x](COMMAND:workbench.action.reloadWindow)',
    'nested [[a](command:x)](command:y)',
  ];

  it('leaves no link VS Code would render, and keeps the words readable', () => {
    for (const h of hostile) {
      assert.match(h, VSCODE_NOTIFICATION_LINK, 'the sample is a link before');
      VSCODE_NOTIFICATION_LINK.lastIndex = 0;
      const safe = notificationText(`Created SpecTask #1 "${h}".`);
      assert.equal(VSCODE_NOTIFICATION_LINK.test(safe), false, safe);
      VSCODE_NOTIFICATION_LINK.lastIndex = 0;
      assert.equal(safe.replace(/\] \(/g, ']('), `Created SpecTask #1 "${h}".`);
    }
  });

  it('changes nothing else', () => {
    for (const s of ['Add password reset', 'a [x] checkbox', 'f(x) and [y]', '']) assert.equal(notificationText(s), s);
  });
});

describe('withoutIconSyntax', () => {
  it('escapes every $( so a quick pick shows it as text, and leaves the rest alone', async () => {
    const { withoutIconSyntax } = await import('../../../src/vscode/views/iconText');
    assert.equal(withoutIconSyntax('$(check) Approved $(error)'), '\\$(check) Approved \\$(error)');
    assert.equal(withoutIconSyntax('costs $5 (approx)'), 'costs $5 (approx)');
  });
});
