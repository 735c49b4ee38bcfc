import * as assert from 'node:assert/strict';
import { cycleThrough, dependencyProblem, parseTaskRefs } from '../../../src/core/orchestrator/dependencies';
import { cleanupTemp, makeCleanRepo } from '../../support/tempRepo';
import { runCli as cli } from './runCli';

describe('dependencies between SpecTasks', function () {
  this.timeout(60_000);
  after(cleanupTemp);

  it('reads references as people type them', () => {
    assert.deepEqual(parseTaskRefs('3,4'), ['000003', '000004']);
    assert.deepEqual(parseTaskRefs('#000003 #3, 12'), ['000003', '000012']);
    assert.throws(() => parseTaskRefs('3,abc'), /'abc' is not a SpecTask number/);
    assert.throws(() => parseTaskRefs('0'), /not a SpecTask number/);
  });

  it('finds the cycle an edit would close, with its path', () => {
    const graph = new Map([
      ['000001', []],
      ['000002', ['000001']],
      ['000003', ['000002']],
    ]);
    assert.deepEqual(cycleThrough(graph, '000001', ['000003']), ['000001', '000003', '000002', '000001']);
    assert.equal(cycleThrough(graph, '000003', ['000001']), undefined);
    assert.match(dependencyProblem(graph, '000001', ['000003'])!, /cycle \(#000001 → #000003 → #000002 → #000001\)/);
    assert.equal(dependencyProblem(graph, '000002', ['000002']), '#000002 cannot depend on itself');
    assert.equal(dependencyProblem(graph, '000002', ['000009']), 'no SpecTask #000009');
    assert.equal(dependencyProblem(graph, '000003', ['000001', '000002']), undefined);
  });

  it('spectask create --depends-on and depends-on record them; unknown tasks and cycles are refused', async () => {
    const repo = makeCleanRepo();
    assert.equal((await cli(repo, 'create', 'First')).code, 0);
    assert.equal((await cli(repo, 'create', 'Second', '--depends-on', '1')).code, 0);
    const second = JSON.parse((await cli(repo, 'show', '2', '--json')).out);
    assert.deepEqual(second.record.dependsOn, ['000001']);

    const unknown = await cli(repo, 'create', 'Third', '--depends-on', '9');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /no SpecTask #000009/);
    assert.equal((await cli(repo, 'create', 'Third', '--depends-on', 'x')).code, 2);

    const cycle = await cli(repo, 'depends-on', '1', '2');
    assert.equal(cycle.code, 1);
    assert.match(cycle.err, /cycle \(#000001 → #000002 → #000001\)/);
    assert.deepEqual(JSON.parse((await cli(repo, 'show', '1', '--json')).out).record.dependsOn, [], 'unchanged');

    assert.match((await cli(repo, 'depends-on', '2', 'none')).out, /depends on nothing/);
    assert.match((await cli(repo, 'depends-on', '1', '2')).out, /SpecTask 000001 depends on #000002/);
  });
});
