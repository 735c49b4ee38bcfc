import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ItemState } from '../../../src/protocol/fleet';
import { cardWindow } from '../../../src/core/orchestrator/fleetView';
import { parseChecklist } from '../../../src/core/checklist/parseChecklist';
import { checklistFocus, currentItemIndex } from '../../../src/core/checklist/checklistFocus';

const list = (marks: string): { text: string; state: ItemState }[] =>
  [...marks].map((m, i) => ({ text: `item ${i}`, state: m === 'x' ? 'done' : m === '~' ? 'doing' : 'todo' }));
const indexes = (marks: string, n = 2) => cardWindow(list(marks), n).items.map((i) => i.index);

describe('the window rule (focusWindow) as a card shows it (cardWindow)', () => {
  it('centres on the last in-progress item with two before and two after', () => {
    const w = cardWindow(list('xxxx~...'), 2);
    assert.equal(w.currentIndex, 4);
    assert.deepEqual(
      w.items.map((i) => i.index),
      [2, 3, 4, 5, 6],
    );
    assert.deepEqual(w.progress, { done: 4, total: 8 });
    assert.deepEqual(w.items[2], { index: 4, text: 'item 4', state: 'doing' });
  });

  it('takes the last [~] when several are in progress', () => {
    assert.equal(currentItemIndex(list('x~x~..')), 3);
  });

  it('falls back to the first [ ] when nothing is in progress, even before done items', () => {
    assert.equal(currentItemIndex(list('xx.x.')), 2);
    assert.deepEqual(indexes('xx.x.'), [0, 1, 2, 3, 4]);
  });

  it('clamps at both ends', () => {
    assert.deepEqual(indexes('~....'), [0, 1, 2]);
    assert.deepEqual(indexes('xxxx~'), [2, 3, 4]);
    assert.deepEqual(indexes('.'), [0]);
  });

  it('shows the last items, with no current one, when everything is done', () => {
    const w = cardWindow(list('xxxxxx'), 2);
    assert.equal(w.currentIndex, undefined);
    assert.deepEqual(
      w.items.map((i) => i.index),
      [4, 5],
    );
    assert.deepEqual(w.progress, { done: 6, total: 6 });
  });

  it('handles an empty checklist and other context sizes', () => {
    assert.deepEqual(cardWindow([], 2), { items: [], currentIndex: undefined, progress: { done: 0, total: 0 } });
    assert.deepEqual(indexes('xxx~xxx', 0), [3]);
    assert.deepEqual(indexes('xxx~...', 1), [2, 3, 4]);
    assert.deepEqual(indexes('xxx~...', 5), [0, 1, 2, 3, 4, 5, 6]);
  });

  it('agrees with the checklist engine on the current item and its neighbours', () => {
    const source = [
      '# Implementation Tasks: x',
      '- [x] a',
      '- [x] b',
      '  - [~] nested c',
      '- [ ] d',
      '```',
      '- [ ] not an item',
      '```',
      '* [ ] e',
      '1. [X] f',
      '',
    ].join('\n');
    const items = parseChecklist(source).items;
    for (const n of [0, 1, 2, 3]) {
      const w = cardWindow(items, n);
      const f = checklistFocus(items, n);
      assert.equal(w.currentIndex, f.current?.index);
      assert.deepEqual(
        w.items.map((i) => i.text),
        [...f.before, ...(f.current ? [f.current] : []), ...f.after].map((i) => i.text),
      );
    }
    assert.equal(cardWindow(items, 2).currentIndex, 2);
  });

  it('always holds the current item, in order, within the context, for any checklist', () => {
    const state = fc.constantFrom<ItemState>('todo', 'doing', 'done');
    fc.assert(
      fc.property(fc.array(state, { maxLength: 40 }), fc.integer({ min: 0, max: 5 }), (states, n) => {
        const items = states.map((s, i) => ({ text: `t${i}`, state: s }));
        const w = cardWindow(items, n);
        const idx = w.items.map((i) => i.index);
        assert.ok(
          idx.every((v, i) => i === 0 || v === idx[i - 1] + 1),
          'contiguous, in document order',
        );
        assert.ok(w.items.every((it) => it.text === items[it.index].text && it.state === items[it.index].state));
        assert.equal(w.progress.done, states.filter((s) => s === 'done').length);
        if (w.currentIndex === undefined) {
          assert.ok(states.every((s) => s === 'done'));
          assert.equal(w.items.length, Math.min(states.length, n));
          if (w.items.length) assert.equal(idx.at(-1), states.length - 1);
        } else {
          assert.ok(idx.includes(w.currentIndex));
          assert.equal(idx[0], Math.max(0, w.currentIndex - n));
          assert.equal(idx.at(-1), Math.min(states.length - 1, w.currentIndex + n));
        }
      }),
    );
  });
});
