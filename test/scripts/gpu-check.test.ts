import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

test('scripts/gpu-check.sh without a GPU: exit 2, one clear line, nothing installed', () => {
  // A PATH without nvidia-smi (bash, node, npm stay reachable through /usr/bin and /bin).
  const empty = mkdtempSync(`${tmpdir()}/no-gpu-`);
  const r = spawnSync('bash', ['scripts/gpu-check.sh'], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${empty}:/usr/bin:/bin` },
  });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^gpu-check: no NVIDIA GPU here \(nvidia-smi missing or lists none\)/);
  assert.doesNotMatch(r.stdout + r.stderr, /installing/);
});
