import * as assert from 'node:assert/strict';
import { BOARD_MOVES } from '../../../src/protocol/fleet';
import { COMMANDS } from '../../../src/vscode/commandIds';
import { BOARD_MOVE_COMMANDS, runBoardMove, type FleetActions } from '../../../src/vscode/fleet/fleetActions';

describe('Board moves on the host: the same intents as the buttons and menus', () => {
  it('runs Retry as the Retry button does, and every other move as its task command with the task id', async () => {
    const calls: string[] = [];
    const record =
      (name: string) =>
      async (id: string): Promise<void> => {
        calls.push(`${name} ${id}`);
      };
    const actions: FleetActions = {
      openDocs: record('openDocs'),
      openWorktree: record('openWorktree'),
      showTranscript: record('showTranscript'),
      stop: record('stop'),
      retry: record('retry'),
      review: record('review'),
    };
    const run = async (command: string, id: string) => calls.push(`${command} ${id}`);
    for (const move of BOARD_MOVES) await runBoardMove(actions, run, move, 't1');
    assert.deepEqual(calls, [
      'spectask.task.startPlanning t1',
      'spectask.spec.approve t1',
      'spectask.task.accept t1',
      'retry t1',
      'spectask.task.archive t1',
    ]);
    for (const command of Object.values(BOARD_MOVE_COMMANDS)) assert.ok(command in COMMANDS, command);
  });

  it('passes a refusal of the command on to the caller, which shows it', async () => {
    const actions = { retry: async () => Promise.reject(new Error('no')) } as unknown as FleetActions;
    await assert.rejects(
      runBoardMove(actions, async () => undefined, 'retry', 't1'),
      /no/,
    );
    await assert.rejects(
      runBoardMove(actions, () => Promise.reject(new Error('Cannot approve')), 'approve', 't1'),
      /Cannot approve/,
    );
  });
});
