/**
 * One piece of work on a second thread while this one does another, for the
 * synchronous metric code (a registry group computes synchronously). The
 * worker imports a module, calls one of its exports, posts the result on a
 * MessagePort and wakes this thread through Atomics; this thread reads the
 * message with receiveMessageOnPort, so nothing waits on the event loop.
 *
 * Where no worker can do it (one core, GENREPORT_THREADS=1, or src/ run
 * through a loader the worker does not inherit) the same work runs here
 * instead, when its result is asked for: the answer never depends on where
 * it ran.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

export interface Pending<T> {
  /** Blocks until the work is done (on either thread) and returns its result. */
  result(): T;
}

// CommonJS, evaluated by the worker: (register tsx where the module is
// TypeScript: workers do not inherit the loader) import, call, post, wake. The finally
// always wakes the waiting thread, with a value or with the error. Typed arrays in the
// result (the value, or its own properties) move with their memory instead of being
// copied: a 2,048² covariance is 32 MB, whose copy costs more in fresh pages than in bytes.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { moduleUrl, name, args, port, flag, loader } = workerData;
const signal = new Int32Array(flag);
const moved = (value) => {
  const parts = ArrayBuffer.isView(value) ? [value] : value && typeof value === 'object' ? Object.values(value) : [];
  const buffers = parts.filter((v) => ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer).map((v) => v.buffer);
  return [...new Set(buffers)];
};
(loader ? import(loader).then((api) => api.register()) : Promise.resolve())
  .then(() => import(moduleUrl))
  .then((m) => m[name](...args))
  .then((value) => port.postMessage({ value }, moved(value)))
  .catch((error) => port.postMessage({ error: String((error && error.stack) || error) }))
  .finally(() => { Atomics.store(signal, 0, 1); Atomics.notify(signal, 0); port.close(); });
`;

/** Whether a second thread may be used: more than one core, and not turned off by GENREPORT_THREADS=1. */
export function secondThreadAllowed(): boolean {
  return process.env.GENREPORT_THREADS !== '1' && availableParallelism() > 1;
}

/**
 * Starts `moduleUrl`'s export `name` on `args` (structured-cloneable) in a
 * worker; `here` computes the same result on this thread, used when the
 * worker cannot.
 */
export function onSecondThread<T>(moduleUrl: string, name: string, args: unknown[], here: () => T): Pending<T> {
  if (!secondThreadAllowed()) return { result: here };
  let channel: MessageChannel;
  let signal: Int32Array;
  try {
    channel = new MessageChannel();
    signal = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        moduleUrl,
        name,
        args,
        port: channel.port2,
        flag: signal.buffer,
        loader: moduleUrl.endsWith('.ts') ? import.meta.resolve('tsx/esm/api') : null,
      },
      transferList: [channel.port2],
    });
    worker.unref();
  } catch {
    return { result: here };
  }
  return {
    result() {
      while (Atomics.load(signal, 0) === 0) Atomics.wait(signal, 0, 0, 1000);
      const message = receiveMessageOnPort(channel.port1)?.message as { value?: T; error?: string } | undefined;
      channel.port1.close();
      if (message && 'value' in message) return message.value as T;
      return here();
    },
  };
}
