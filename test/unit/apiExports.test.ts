import * as assert from 'node:assert/strict';
import { buildExports } from '../../src/api/apiExports';
import { Emitter } from '../../src/core/lifecycle';
import { SpecTaskService } from '../../src/core/service/specTaskService';

// What other extensions get from activate(). The integration host always runs the extension in
// ExtensionMode.Test, so only here can the other modes be checked: src/extension.ts passes
// `context.extensionMode === ExtensionMode.Test` as `testMode`.
describe('extension exports (public API v1 and test hooks)', () => {
  const hooks = () => ({ services: { secret: true }, _testSetFleetSnapshotSource: () => undefined });
  const build = (testMode: boolean) => {
    const changed = new Emitter<void>();
    const exports = buildExports({
      service: new SpecTaskService(() => []),
      onDidChangeFleet: changed.event,
      testMode,
      testHooks: hooks,
    });
    return { exports, changed };
  };

  it('outside test mode: getApi alone, frozen; no test hook', () => {
    const { exports } = build(false);
    assert.deepEqual(Object.keys(exports), ['getApi']);
    assert.equal('services' in exports, false);
    assert.equal('_testSetFleetSnapshotSource' in exports, false);
    assert.ok(Object.isFrozen(exports));
  });

  it('in test mode: the hooks keep their names beside getApi', () => {
    const { exports } = build(true);
    assert.deepEqual(Object.keys(exports).sort(), ['_testSetFleetSnapshotSource', 'getApi', 'services']);
  });

  it('getApi(1) is version 1; another version is refused with the one offered', async () => {
    const { exports, changed } = build(false);
    const api = exports.getApi(1);
    assert.equal(api.version, 1);
    assert.throws(() => exports.getApi(2 as 1), /version 2 is not offered; this version of the extension has 1/);
    assert.deepEqual(api.listSpecTasks(), []);
    assert.deepEqual(api.fleetSnapshot().cards, []);
    const seen: number[] = [];
    const sub = api.onDidChangeFleet((s) => seen.push(s.cards.length));
    changed.fire();
    sub.dispose();
    changed.fire();
    assert.deepEqual(seen, [0]);
    await assert.rejects(api.createSpecTask({ title: 'x' }), /no repository with a design-docs branch is open/);
    await assert.rejects(api.createSpecTask({ title: 'a\u202eb' }), /title must be one line/);
    await assert.rejects(api.getDocuments({ taskId: '../x' }), /taskId must be/);
    await assert.rejects(api.createSpecTask(null as never), /the request must be an object/);
  });
});
