import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChatMessage, ChatModel, ChatStreamPart } from '../../../../src/core/agents/chatModel';
import { messageLiveRun } from '../../../../src/core/agents/agentMessages';
import { startToolLoopRun } from '../../../../src/core/agents/toolLoopRun';

describe('messages to the own tool loop (OpenAI-compatible, vscode.lm)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loop-msg-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('appends a message to the conversation at the next model call, and the run ends after answering it', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let answering!: () => void;
    const firstCall = new Promise<void>((r) => (answering = r));
    const seen: ChatMessage[][] = [];
    const model: ChatModel = {
      backend: 'openai-compat',
      modelId: 'scripted',
      async *stream(messages: ChatMessage[]): AsyncIterable<ChatStreamPart> {
        seen.push(messages.map((m) => ({ ...m })));
        if (seen.length === 1) {
          yield { type: 'text', text: 'first' };
          answering();
          await released;
        } else yield { type: 'text', text: `answered: ${messages.at(-1)?.content}` };
      },
    } as ChatModel;
    const run = startToolLoopRun('openai-compat', model, {
      taskId: 't',
      worktree: dir,
      prompt: 'go',
      permissions: { mode: 'edit' },
    });
    await firstCall;
    assert.deepEqual(messageLiveRun(run, 'Also say hi.'), { accepted: true });
    release();
    const result = await run.finished;
    assert.equal(seen.length, 2);
    assert.deepEqual(seen[1]!.slice(-2), [
      { role: 'assistant', content: 'first' },
      { role: 'user', content: 'Also say hi.' },
    ]);
    assert.equal(result.status, 'success');
    assert.equal(result.text, 'answered: Also say hi.');
    assert.equal(messageLiveRun(run, 'late').accepted, false);
  });
});
