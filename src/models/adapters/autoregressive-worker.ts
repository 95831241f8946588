/**
 * A sampling worker (see autoregressive-workers.ts): its own backend and
 * bundle; each task is one batch, completed in place and sent back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, type BackendName } from '../../core/backend.ts';
import { GenreportError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { loadBundle } from '../bundle.ts';
import { AutoregressiveModel } from './autoregressive.ts';
import type { WorkerReply, WorkerSetup, WorkerTask } from './autoregressive-workers.ts';

const setup = workerData as WorkerSetup;
await initBackend(setup.backend as BackendName);
const model = new AutoregressiveModel(await loadBundle(setup.bundlePath));

parentPort!.on('message', async ({ levels, m, fromRow, seeds }: WorkerTask) => {
  let reply: WorkerReply;
  try {
    await model.completeBatch(
      levels,
      m,
      fromRow,
      seeds.map((seed) => new Rng(seed)),
    );
    reply = { levels };
  } catch (e) {
    const error = e as Error;
    reply = {
      error:
        error instanceof GenreportError
          ? { message: error.message, problems: error.problems, kind: error.kind }
          : { message: error.stack ?? error.message },
    };
  }
  parentPort!.postMessage(reply, 'levels' in reply ? [reply.levels.buffer] : []);
});
