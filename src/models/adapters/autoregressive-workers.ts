/**
 * Pixel-by-pixel sampling on worker threads. The wasm backend runs one thread
 * in Node, so an autoregressive model's batches are shared among workers, each
 * with its own backend and its own copy of the bundle. A batch carries the
 * seeds of its images' random streams, so the images do not depend on which worker
 * draws them or in what order.
 */
import type { Worker } from 'node:worker_threads';
import { currentBackend } from '../../core/backend.ts';
import { GenreportError, type ErrorKind, type Problem } from '../../core/errors.ts';
import { startTsWorker } from '../../core/ts-worker.ts';
import type { Bundle } from '../bundle.ts';

/** Images [start, start + m) of the call, image start + i drawn from the stream `new Rng(seeds[i])`. */
export interface SamplingBatch {
  start: number;
  m: number;
  seeds: number[];
}

/** What the main thread sends a worker, and what comes back. */
export interface WorkerTask {
  levels: Uint8Array<ArrayBuffer>;
  m: number;
  fromRow: number;
  seeds: number[];
}
export type WorkerReply =
  | { levels: Uint8Array<ArrayBuffer> }
  | { error: { message: string; problems?: Problem[]; kind?: ErrorKind } };
export interface WorkerSetup {
  bundlePath: string;
  backend: string;
}

/**
 * Complete every batch of `levels` (d values per image, filled in place) on
 * `count` workers; `finished(m)` after each batch. A failure in any batch
 * stops the others after their current batch and is thrown here, with the
 * bundle and field the worker named.
 */
export async function completeInWorkers(
  bundle: Bundle,
  levels: Uint8Array,
  d: number,
  fromRow: number,
  batches: SamplingBatch[],
  count: number,
  finished: (m: number) => void,
): Promise<void> {
  const setup: WorkerSetup = { bundlePath: bundle.path, backend: currentBackend()?.name ?? 'wasm' };
  const queue = [...batches];
  const drain = async () => {
    const worker = startTsWorker(new URL('./autoregressive-worker.ts', import.meta.url), setup);
    try {
      for (let batch = queue.shift(); batch; batch = queue.shift()) {
        const { start, m, seeds } = batch;
        const completed = await request(worker, {
          levels: levels.slice(start * d, (start + m) * d),
          m,
          fromRow,
          seeds,
        });
        levels.set(completed, start * d);
        finished(m);
      }
    } catch (e) {
      queue.length = 0;
      throw e;
    } finally {
      await worker.terminate();
    }
  };
  const outcomes = await Promise.allSettled(Array.from({ length: count }, drain));
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) throw failure.reason;
}

function request(worker: Worker, task: WorkerTask): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const settle = (action: () => void) => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      action();
    };
    const onMessage = (reply: WorkerReply) =>
      settle(() => ('levels' in reply ? resolve(reply.levels) : reject(revive(reply.error))));
    const onError = (e: Error) => settle(() => reject(e));
    const onExit = (code: number) =>
      settle(() => reject(new Error(`a sampling worker stopped early (exit code ${code})`)));
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    worker.postMessage(task, [task.levels.buffer]);
  });
}

/** A worker's error as the main thread would have thrown it: input problems keep their file and field. */
function revive(error: { message: string; problems?: Problem[]; kind?: ErrorKind }): Error {
  return error.problems ? new GenreportError(error.problems, error.kind) : new Error(error.message);
}
