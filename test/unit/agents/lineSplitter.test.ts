import * as assert from 'node:assert/strict';
import { LineSplitter } from '../../../src/core/agents/lineSplitter';

describe('LineSplitter', () => {
  const split = (chunks: (string | Uint8Array)[], max?: number) => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l), max);
    for (const c of chunks) s.push(c);
    s.end();
    return lines;
  };

  it('joins lines split across chunks, drops CR, keeps empty lines, emits a last line without newline', () => {
    assert.deepEqual(split(['ab', 'c\r\n\nde', 'f\ng']), ['abc', '', 'def', 'g']);
  });

  it('decodes a multi-byte character split across chunks', () => {
    const bytes = Buffer.from('é€\n');
    assert.deepEqual(split([bytes.subarray(0, 1), bytes.subarray(1, 4), bytes.subarray(4)]), ['é€']);
  });

  // Found by test/faults/hangFlood.test.ts: an agent printing 200 MB without a newline grew one string without
  // end (and rescanned it on every chunk). Lines are now cut at the cap, with a marker, and the next line is whole.
  it('cuts a line longer than the cap, says how much was dropped, and keeps the lines after it whole', () => {
    const lines = split(['x'.repeat(7), 'y'.repeat(10), 'zz\nnext\n', 'w'.repeat(30)], 10);
    assert.deepEqual(lines, [
      'xxxxxxxyyy … [line cut: 9 more characters not kept]',
      'next',
      'wwwwwwwwww … [line cut: 20 more characters not kept]',
    ]);
  });

  it('holds no more than the cap of an endless line', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l), 1000);
    const chunk = 'q'.repeat(64 * 1024);
    for (let i = 0; i < 200; i++) s.push(chunk); // 12.5 M characters, no newline
    s.end();
    assert.equal(lines.length, 1);
    assert.equal(lines[0], `${'q'.repeat(1000)} … [line cut: ${200 * chunk.length - 1000} more characters not kept]`);
  });
});
