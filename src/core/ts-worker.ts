/**
 * Start a worker thread on one of genreport's TypeScript modules. Node does
 * not hand the main thread's tsx hooks to a worker, and `--import tsx` in a
 * worker's execArgv comes too late for its entry file, so the worker first
 * registers tsx itself and then imports the module. This works the same from
 * the CLI (bin/genreport.js), under `node --import tsx` and in the tests.
 */
import { Worker } from 'node:worker_threads';

export function startTsWorker(module: URL, workerData: unknown): Worker {
  // Compiled to dist/ (see tsconfig.build.json), the module sits beside this
  // file as .js and needs no tsx.
  if (import.meta.url.endsWith('.js')) return new Worker(new URL(module.href.replace(/\.ts$/, '.js')), { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
