import * as assert from 'node:assert/strict';
import {
  MAX_MOTIONS_PER_WINDOW,
  MOTION_WINDOW_MS,
  isMotionFlooded,
  mayMove,
  resetMotionBudget,
} from '../../../webview/motionBudget';

describe('dashboard motion budget', () => {
  afterEach(() => resetMotionBudget());

  it('lets motion through at a human pace', () => {
    // One card ticking every 10 s, for ten minutes.
    for (let t = 0; t < 600_000; t += 10_000) assert.equal(mayMove(t), true, `at ${t} ms`);
    assert.equal(isMotionFlooded(), false);
  });

  it('goes calm past the limit within one window and stays calm under a steady flood', () => {
    const t0 = 1_000_000;
    for (let i = 0; i < MAX_MOTIONS_PER_WINDOW; i++) assert.equal(mayMove(t0 + i), true);
    assert.equal(mayMove(t0 + MAX_MOTIONS_PER_WINDOW), false, 'one more within the window');
    assert.equal(isMotionFlooded(), true);
    // 16 agents ticking about 50 times a second: denied requests count too, so no burst gets through.
    for (let t = t0 + 20; t < t0 + 10_000; t += 20) assert.equal(mayMove(t), false, `at ${t - t0} ms into the flood`);
  });

  it('moves again once the window holds no more than the limit', () => {
    const t0 = 2_000_000;
    for (let i = 0; i <= MAX_MOTIONS_PER_WINDOW; i++) mayMove(t0 + i * 10);
    assert.equal(isMotionFlooded(), true);
    // Two seconds after the flood, its requests have all left the window.
    assert.equal(mayMove(t0 + MAX_MOTIONS_PER_WINDOW * 10 + MOTION_WINDOW_MS), true);
    assert.equal(isMotionFlooded(), false);
  });

  it('ends the calm by itself when the ticks stop, without another request', async () => {
    const now = performance.now();
    for (let i = 0; i <= MAX_MOTIONS_PER_WINDOW; i++) mayMove(now - MOTION_WINDOW_MS + 30 + i);
    assert.equal(isMotionFlooded(), true);
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(isMotionFlooded(), false, 'the recheck timer should have ended the calm');
  });
});
