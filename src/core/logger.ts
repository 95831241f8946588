/**
 * Human-facing output goes to stderr (stdout stays clean for --json output).
 * Progress is one updating line on a terminal and a few plain lines in a log.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  progress(label: string, done: number, total: number, extra?: string): void;
}

export function createLogger(options: { quiet?: boolean } = {}): Logger {
  const out = process.stderr;
  const quiet = options.quiet ?? false;
  let lastStep = -1;
  return {
    info(message) {
      if (!quiet) out.write(`${message}\n`);
    },
    warn(message) {
      out.write(`warning: ${message}\n`);
    },
    progress(label, done, total, extra = '') {
      if (quiet) return;
      const pct = Math.floor((100 * done) / Math.max(total, 1));
      const line = `  ${label} ${String(pct).padStart(3)}% (${done}/${total})${extra ? ` ${extra}` : ''}`;
      if (out.isTTY) {
        out.write(`\r${line}\x1b[K${done >= total ? '\n' : ''}`);
      } else {
        // In a log: a line every 10% and at the end.
        const step = Math.floor(pct / 10);
        if (done >= total || step !== lastStep) out.write(`${line}\n`);
        lastStep = done >= total ? -1 : step;
      }
    },
  };
}
