import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SpecTaskService } from '../../../src/core/service/specTaskService';
import { replay } from '../../support/replayBackend';
import { disposeHarnessAfterEach, makeHarness, waitForStatus, type Harness } from '../../support/orchestratorHarness';

// Issue 25: a document write through the public surfaces (API, LM tools, MCP) is refused while an agent writes the
// SpecTask's documents, and accepted once it is done — with the version check still applied.
describe('SpecTaskService: writing a document while an agent works', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  disposeHarnessAfterEach(
    () => h,
    () => (h = undefined),
  );

  it('is refused during planning, leaves the file as the agent wrote it, and is taken in spec review', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let planning!: () => void;
    const started = new Promise<void>((r) => (planning = r));
    h = await makeHarness(async (ctx) => {
      await replay.writeSpec(ctx, 'Export the audit log', 2);
      planning();
      await released;
      return { text: 'done' };
    });
    const harness = h;
    const service = new SpecTaskService(() => [
      { root: harness.repo, docs: harness.docs, orchestrator: harness.orchestrator },
    ]);
    const id = await h.orchestrator.create({ title: 'Export the audit log', prompt: 'CSV' }, { startPlanning: true });
    await started;
    const read = await service.getDocuments({ taskId: id });
    const design = read.documents.find((d) => d.name === 'design.md')!;
    assert.equal(read.task.agentWorking, true);
    await assert.rejects(
      service.writeDocument({
        taskId: id,
        document: 'design.md',
        content: '# mine\n',
        expectedVersion: design.version,
      }),
      /is spec generation: an agent writes its documents now/,
    );
    const file = path.join(h.orchestrator.task(id)!.path, 'design.md');
    assert.equal(fs.readFileSync(file, 'utf8'), design.content, "the agent's document is untouched");

    release();
    await waitForStatus(h, id, 'spec_review');
    // The run is wound up (its work committed) just after the status moved: until then the agent still counts.
    for (let i = 0; i < 500 && h.orchestrator.taskViews().find((t) => t.id === id)?.agentWorking; i++)
      await new Promise((r) => setTimeout(r, 10));
    const again = (await service.getDocuments({ taskId: id })).documents.find((d) => d.name === 'design.md')!;
    const written = await service.writeDocument({
      taskId: id,
      document: 'design.md',
      content: '# mine\n',
      expectedVersion: again.version,
    });
    assert.equal(fs.readFileSync(file, 'utf8'), written.content);
  });
});
