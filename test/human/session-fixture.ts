/**
 * A small rating session on disk without any model: three sources of
 * synthetic 8×8 images (two "models" and the real images), written through
 * the same code `genreport rate` uses.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageBatch } from '../../src/core/types.ts';
import { writeNewSession, type DrawnSource } from '../../src/human/draw.ts';
import { REAL_SOURCE, type SessionPlan } from '../../src/human/session.ts';

export const MODEL_NAMES = ['gan-alpha', 'vae-beta'];

export function syntheticSources(perSource: number): DrawnSource[] {
  return [...MODEL_NAMES, REAL_SOURCE].map((name, s) => {
    const batch = imageBatch(perSource, 8, 8, 1);
    for (let i = 0; i < batch.data.length; i++) batch.data[i] = ((i * (s + 3)) % 17) / 16;
    return { name, images: batch };
  });
}

export async function writeFixtureSession(
  options: { perSource?: number; pairs?: number; raters?: number; dir?: string } = {},
): Promise<{ dir: string; plan: SessionPlan }> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'genreport-rating-'));
  const plan = await writeNewSession(dir, syntheticSources(options.perSource ?? 3), {
    config: 'fixture.yaml',
    seed: 5,
    createdAt: '2026-01-01T00:00:00.000Z',
    pairs: options.pairs ?? 2,
    raters: options.raters ?? 2,
  });
  return { dir, plan };
}
