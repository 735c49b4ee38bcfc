import * as assert from 'node:assert/strict';
import { parseChecklist } from '../../../src/core/checklist/parseChecklist';
import { checklistFocus, checklistProgress, currentItem, findItem } from '../../../src/core/checklist/checklistFocus';

const summary = (src: string) => parseChecklist(src).items.map((i) => `${i.line}:${i.depth}:${i.state}:${i.text}`);

describe('parseChecklist', () => {
  it('reads the three states and both spellings of done, with every bullet kind', () => {
    const src = [
      '# Implementation Tasks: X',
      '',
      '- [ ] one',
      '* [~] two',
      '+ [x] three',
      '1. [X] four',
      '2) [ ] five',
    ].join('\n');
    assert.deepEqual(summary(src), [
      '2:0:todo:one',
      '3:0:doing:two',
      '4:0:done:three',
      '5:0:done:four',
      '6:0:todo:five',
    ]);
  });

  it('reports nesting depth and keeps document order', () => {
    const src = '- [ ] a\n  - [x] a.1\n    1. [~] a.1.1\n- [ ] b\n';
    assert.deepEqual(summary(src), ['0:0:todo:a', '1:1:done:a.1', '2:2:doing:a.1.1', '3:0:todo:b']);
  });

  it('finds items that start on the same line as their parent list item', () => {
    const src = '- 1. [x] inner\n';
    const [it] = parseChecklist(src).items;
    assert.equal(it.state, 'done');
    assert.equal(src[it.markerOffset], 'x');
  });

  it('ignores code fences, indented code, HTML comments and block quotes', () => {
    const src = [
      '- [ ] real',
      '',
      '```md',
      '- [ ] fenced',
      '```',
      '',
      '~~~',
      '- [x] tilde fenced',
      '~~~',
      '',
      '    - [ ] indented code',
      '',
      '<!--',
      '- [ ] commented',
      '-->',
      '',
      '> - [ ] quoted example',
      '> > - [x] deeper',
      '',
      '- [x] also real',
    ].join('\n');
    assert.deepEqual(summary(src), ['0:0:todo:real', '19:0:done:also real']);
  });

  it('requires whitespace after the marker and the marker at the start of the first line', () => {
    const src = [
      '- [ ]no space',
      '- [x]: not an item (a reference definition)',
      '- text [ ] later',
      '- [ ]',
      '-',
      '  [ ] on the next line',
      '- [y] unknown',
    ].join('\n');
    assert.deepEqual(summary(src), ['3:0:todo:']);
  });

  it('locates markers exactly with CRLF, a BOM, tabs and lone CR line ends', () => {
    const src = '\uFEFF- [ ] first\r\n\t- [~] second  \r\n- [x] third\r- [ ] fourth';
    const bytes = Buffer.from(src, 'utf8');
    const items = parseChecklist(bytes).items;
    assert.deepEqual(
      items.map((i) => [i.line, i.state, i.text]),
      [
        [0, 'todo', 'first'],
        [1, 'doing', 'second'],
        [2, 'done', 'third'],
        [3, 'todo', 'fourth'],
      ],
    );
    for (const it of items) assert.equal(bytes[it.markerOffset - 1], 0x5b, `[ before marker of ${it.text}`);
  });

  it('handles multi-byte text before the marker line and invalid UTF-8', () => {
    const bytes = Buffer.concat([
      Buffer.from('Ünïcødé 🎉 \xff\n', 'latin1'),
      Buffer.from([0xff, 0xfe, 0x0a]),
      Buffer.from('- [~] héllo 🎉\n', 'utf8'),
    ]);
    const [it] = parseChecklist(bytes).items;
    assert.equal(it.state, 'doing');
    assert.equal(bytes[it.markerOffset], '~'.charCodeAt(0));
  });

  it('reads stable ids from a T12: prefix or an id comment, and reports duplicates', () => {
    const src = '- [ ] T1: Add login\n- [ ] Write docs <!-- id: docs-1 -->\n- [ ] T1.2: sub\n- [x] T1: again\n';
    const { items, problems } = parseChecklist(src);
    assert.deepEqual(
      items.map((i) => [i.id, i.text]),
      [
        ['T1', 'Add login'],
        ['docs-1', 'Write docs'],
        ['T1.2', 'sub'],
        ['T1', 'again'],
      ],
    );
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /duplicate item id 'T1'/);
    assert.throws(() => findItem({ items, problems }, { id: 'T1' }), /used 2 times/);
    assert.equal(findItem({ items, problems }, { id: 'docs-1' }).index, 1);
  });

  it('joins wrapped item text into one line', () => {
    assert.deepEqual(summary('- [ ] a long\n  wrapped item\n'), ['0:0:todo:a long wrapped item']);
  });

  it('reads the legacy flat progress.md the reference system writes', () => {
    const src = '# Progress\n\n- [x] Set up project\n- [x] Add model\n- [~] Add endpoint\n- [ ] Tests\n';
    const { items } = parseChecklist(src);
    assert.equal(items.length, 4);
    assert.equal(currentItem(items)?.text, 'Add endpoint');
  });

  it('never throws on odd input', () => {
    for (const s of ['', '\n', '-', '- [', '- [ ', '> ', '```', '\uFEFF', '\0- [ ] x', '1. [x]', '- [x]\t', '\r\r\r'])
      parseChecklist(s);
  });
});

describe('progress, current item and context', () => {
  const items = parseChecklist(
    ['- [x] a', '- [x] b', '- [x] c', '- [~] d', '- [ ] e', '- [~] f', '- [ ] g', '- [ ] h', '- [ ] i'].join('\n'),
  ).items;

  it('counts done over total with an integer percent', () => {
    assert.deepEqual(checklistProgress(items), { done: 3, doing: 2, todo: 4, total: 9, percent: 33 });
    assert.deepEqual(checklistProgress([]), { done: 0, doing: 0, todo: 0, total: 0, percent: 0 });
  });

  it('takes the last in-progress item as current, with two before and two after', () => {
    const f = checklistFocus(items);
    assert.equal(f.current?.text, 'f');
    assert.deepEqual(
      f.before.map((i) => i.text),
      ['d', 'e'],
    );
    assert.deepEqual(
      f.after.map((i) => i.text),
      ['g', 'h'],
    );
    assert.deepEqual(
      checklistFocus(items, 1).after.map((i) => i.text),
      ['g'],
    );
  });

  it('falls back to the first to-do item, and clips the window at the edges', () => {
    const list = parseChecklist('- [ ] a\n- [ ] b\n- [ ] c\n- [ ] d\n').items;
    const f = checklistFocus(list);
    assert.equal(f.current?.text, 'a');
    assert.deepEqual(f.before, []);
    assert.deepEqual(
      f.after.map((i) => i.text),
      ['b', 'c'],
    );
  });

  it('shows the last items when everything is done', () => {
    const list = parseChecklist('- [x] a\n- [x] b\n- [x] c\n').items;
    const f = checklistFocus(list);
    assert.equal(f.current, undefined);
    assert.deepEqual(
      f.before.map((i) => i.text),
      ['b', 'c'],
    );
  });
});
