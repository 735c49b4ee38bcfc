import type { Readable, Writable } from 'node:stream';

/**
 * The agent's stdout as the web stream the ACP SDK reads, with a tap that sees every chunk first (idle timer,
 * raw-line capture). Ends when stdout closes; an error on stdout ends it too (the run sees the agent gone).
 */
export function webReadableOf(stdout: Readable, tap: (chunk: Buffer) => void): ReadableStream<Uint8Array> {
  let open = true;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const finish = () => {
        if (!open) return;
        open = false;
        controller.close();
      };
      stdout.on('data', (c: Buffer) => {
        tap(c);
        if (open) controller.enqueue(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
      });
      stdout.on('end', finish);
      stdout.on('close', finish);
      stdout.on('error', finish);
    },
    cancel() {
      open = false; // the reader is gone: nothing may be enqueued or closed any more
      stdout.destroy();
    },
  });
}

/** The agent's stdin as the web stream the ACP SDK writes; writes after the agent went away are dropped. */
export function webWritableOf(stdin: Writable): WritableStream<Uint8Array> {
  stdin.on('error', () => undefined); // EPIPE once the agent exited is not our failure
  return new WritableStream<Uint8Array>({
    write(chunk) {
      if (stdin.destroyed || stdin.writableEnded) return Promise.resolve();
      return new Promise<void>((resolve) => {
        if (stdin.write(chunk)) resolve();
        else {
          const done = () => {
            stdin.off('drain', done);
            stdin.off('close', done);
            resolve();
          };
          stdin.once('drain', done);
          stdin.once('close', done);
        }
      });
    },
    close() {
      stdin.end();
    },
    abort() {
      stdin.end();
    },
  });
}
