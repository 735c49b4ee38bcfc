import * as assert from 'node:assert/strict';
import { boardTarget, gridTarget, isNavKey } from '../../../webview/cardNavigation';

describe('card navigation (roving focus, issue 22 item 18)', () => {
  const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

  it('in the grid: Left and Right in reading order, Up and Down keep the column, Home and End', () => {
    assert.equal(gridTarget(ids, 3, 'c', 'ArrowRight'), 'd', 'across the end of a row');
    assert.equal(gridTarget(ids, 3, 'd', 'ArrowLeft'), 'c');
    assert.equal(gridTarget(ids, 3, 'b', 'ArrowDown'), 'e');
    assert.equal(gridTarget(ids, 3, 'e', 'ArrowUp'), 'b');
    assert.equal(gridTarget(ids, 3, 'f', 'ArrowDown'), undefined, 'no card below');
    assert.equal(gridTarget(ids, 3, 'a', 'ArrowLeft'), undefined);
    assert.equal(gridTarget(ids, 3, 'd', 'Home'), 'a');
    assert.equal(gridTarget(ids, 3, 'd', 'End'), 'g');
    assert.equal(gridTarget(ids, 1, 'b', 'ArrowDown'), 'c', 'one column in a sidebar');
    assert.equal(gridTarget(ids, 3, 'gone', 'ArrowDown'), 'a', 'a card that left: start at the first');
  });

  it('on the Board: Up and Down in the column, Left and Right to the nearest column with cards', () => {
    const cols = [['a', 'b'], [], ['c'], ['d', 'e', 'f']];
    assert.equal(boardTarget(cols, 'a', 'ArrowDown'), 'b');
    assert.equal(boardTarget(cols, 'b', 'ArrowDown'), undefined);
    assert.equal(boardTarget(cols, 'b', 'ArrowRight'), 'c', 'skips the empty column, the last card at that height');
    assert.equal(boardTarget(cols, 'c', 'ArrowRight'), 'd');
    assert.equal(boardTarget(cols, 'f', 'ArrowLeft'), 'c');
    assert.equal(boardTarget(cols, 'e', 'Home'), 'd');
    assert.equal(boardTarget(cols, 'd', 'End'), 'f');
    assert.equal(boardTarget(cols, 'f', 'ArrowRight'), undefined);
    assert.equal(boardTarget(cols, 'gone', 'ArrowRight'), 'a');
  });

  it('knows its keys', () => {
    assert.ok(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'].every(isNavKey));
    assert.ok(!['Enter', 'Tab', ' ', 'a'].some(isNavKey));
  });
});
