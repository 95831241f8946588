/**
 * Small synchronous clean-ups (a lock file, half-written files) that must run
 * however the process ends: normally, by process.exit, or on SIGINT/SIGTERM/
 * SIGHUP (which would otherwise end Node without running 'exit' handlers).
 * A signal ends the process with 128 + its number, as a shell expects.
 */
const tasks = new Set<() => void>();
let installed = false;

const SIGNALS: [NodeJS.Signals, number][] = [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
];

/** Run `task` when the process ends; the returned function unregisters it. */
export function onExit(task: () => void): () => void {
  install();
  tasks.add(task);
  return () => tasks.delete(task);
}

function runAll(): void {
  for (const task of [...tasks]) {
    tasks.delete(task);
    try {
      task();
    } catch {
      // A clean-up that fails must not stop the others.
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  // process.exit runs the 'exit' handlers, so the tasks run once, here or there.
  for (const [signal, code] of SIGNALS) process.on(signal, () => process.exit(code));
}
