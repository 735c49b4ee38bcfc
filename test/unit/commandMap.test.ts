import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { COMMAND_CATEGORY, COMMANDS } from '../../src/vscode/commandIds';

// House rule 4: package.json contributes.commands is kept equal to the typed command map.
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));

describe('command map', () => {
  const contributed: { command: string; title: string; category?: string; icon?: string }[] = pkg.contributes.commands;

  it('contributes exactly the commands in the typed map', () => {
    assert.deepEqual(contributed.map((c) => c.command).sort(), Object.keys(COMMANDS).sort());
  });

  it('uses the titles, icons and category of the typed map', () => {
    for (const c of contributed) {
      const def = COMMANDS[c.command as keyof typeof COMMANDS] as { title: string; icon?: string };
      assert.equal(c.title, def.title, c.command);
      assert.equal(c.icon, def.icon, c.command);
      assert.equal(c.category, COMMAND_CATEGORY, c.command);
    }
  });

  it('names commands spectask.<noun>.<verb>', () => {
    for (const id of Object.keys(COMMANDS)) assert.match(id, /^spectask\.[a-zA-Z]+\.[a-zA-Z]+$/);
  });
});
