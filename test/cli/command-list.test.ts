/**
 * cli/command-list.ts: every command is listed by --help, yet only the one a
 * command line names is loaded (issue 29's fast start; the architecture test
 * checks the static imports, this the behaviour).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { commandName, invokedCommand, LAZY_COMMANDS } from '../../src/cli/command-list.ts';

const BIN = fileURLToPath(new URL('../../bin/genreport.js', import.meta.url));

test('the invoked command is the first word that is not an option', () => {
  assert.equal(invokedCommand(['check', '--current', 'a.json']), 'check');
  assert.equal(invokedCommand(['--help', 'metrics']), 'metrics');
  assert.equal(invokedCommand(['--help']), undefined);
  assert.equal(commandName('stats <source>'), 'stats');
});

test('--help lists every lazily loaded command with its one-liner', () => {
  const run = spawnSync(process.execPath, [BIN, '--help'], {
    encoding: 'utf8',
    env: { ...process.env, COLUMNS: '400' },
  });
  assert.equal(run.status, 0, run.stderr);
  for (const c of LAZY_COMMANDS) {
    assert.ok(run.stdout.includes(`genreport ${c.command}`), `--help lists ${c.command}`);
    assert.ok(
      run.stdout.replace(/\s+/g, ' ').includes(c.describe.split(' ').slice(0, 4).join(' ')),
      `--help says what ${c.command} does`,
    );
  }
});

test('a listed command that the command line names runs with its own options', () => {
  // init --help shows init's own options, which only its module defines.
  const run = spawnSync(process.execPath, [BIN, 'init', '--help'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /--force/);
  const bad = spawnSync(process.execPath, [BIN, 'init', '--no-such-flag'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /Unknown argument/);
});
