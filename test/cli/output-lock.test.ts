/**
 * The output folder's lock, with two real processes: the second refuses while
 * the first holds it, the lock and the holder's half-written files go when the
 * holder is stopped by a signal, and a stale lock is taken over with a notice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { LOCK_FILE, lockOutputFolder } from '../../src/cli/output-lock.ts';
import { GenreportError } from '../../src/core/errors.ts';

const root = resolve(import.meta.dirname, '../..');

function quietLogger() {
  const lines: string[] = [];
  return { lines, info: (m: string) => lines.push(`info: ${m}`), warn: (m: string) => lines.push(`warning: ${m}`) };
}

async function waitFor(condition: () => boolean, ms = 60_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("a second process is refused while the first holds the lock; SIGTERM releases it and removes the holder's staged files", async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'genreport-lock-')), 'report');
  // The holder: takes the lock, stages a file as atomic-file.ts would, then waits to be stopped.
  const script = `
    import { lockOutputFolder } from ${JSON.stringify(join(root, 'src/cli/output-lock.ts'))};
    import { stageFile } from ${JSON.stringify(join(root, 'src/core/atomic-file.ts'))};
    lockOutputFolder(${JSON.stringify(out)}, { info() {}, warn() {} });
    stageFile(${JSON.stringify(join(out, 'report.html'))}, 'half');
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);
  `;
  const holder = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let said = '';
  holder.stdout.on('data', (d) => (said += d));
  await waitFor(() => said.includes('locked'));
  assert.equal(readFileSync(join(out, LOCK_FILE), 'utf8'), `${holder.pid}\n`);
  const staged = join(out, `.report.partial-${holder.pid}.html`);
  assert.ok(existsSync(staged));

  assert.throws(
    () => lockOutputFolder(out, quietLogger()),
    (e: unknown) => {
      assert.ok(e instanceof GenreportError);
      assert.equal(e.exitCode, 2);
      assert.equal(
        e.message,
        `--out: another genreport (pid ${holder.pid}) is writing into ${out}; wait for it or choose another --out`,
      );
      return true;
    },
  );

  holder.kill('SIGTERM');
  const [code, signal] = await once(holder, 'exit');
  assert.deepEqual([code, signal], [143, null], 'ends as a shell expects after SIGTERM, through the clean-up');
  assert.ok(!existsSync(join(out, LOCK_FILE)), 'lock removed on SIGTERM');
  assert.ok(!existsSync(staged), 'its own staged file removed on SIGTERM');

  // Now free: this process takes it, and releasing removes it (and the folder it made, left empty).
  const release = lockOutputFolder(out, quietLogger());
  assert.equal(readFileSync(join(out, LOCK_FILE), 'utf8'), `${process.pid}\n`);
  release();
  assert.ok(!existsSync(out));
});

test('a lock whose pid is gone is taken over with a one-line notice; an empty fresh lock counts as held', () => {
  const out = mkdtempSync(join(tmpdir(), 'genreport-lock-stale-'));
  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  writeFileSync(join(out, LOCK_FILE), `${dead}\n`);
  const logger = quietLogger();
  const release = lockOutputFolder(out, logger);
  assert.deepEqual(logger.lines, [
    `warning: ${join(out, LOCK_FILE)}: took over the lock of genreport pid ${dead}, which is no longer running`,
  ]);
  assert.throws(() => lockOutputFolder(out, quietLogger()), /another genreport \(pid \d+\) is writing into/);
  release();
  assert.ok(existsSync(out), 'a folder that existed before stays');
  // A lock being written this instant (still empty) is not stolen.
  writeFileSync(join(out, LOCK_FILE), '');
  assert.throws(() => lockOutputFolder(out, quietLogger()), /another genreport \(pid unknown\) is writing into/);
});
