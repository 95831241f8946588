/**
 * The resize modes against torch and PIL outputs on small images
 * (test/fixtures/features/resize.npz, made by
 * scripts/reference/make-feature-fixtures.py).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readNpz } from '../../src/data/npz.ts';
import { imageBatch } from '../../src/core/types.ts';
import { resizeImages, type ResizeMode } from '../../src/features/preprocess/resize.ts';

const arrays = readNpz(fileURLToPath(new URL('../fixtures/features/resize.npz', import.meta.url)));

// Stated tolerances (absolute, values in [0, 1]): nearest and bicubic-pil are bit for bit;
// bilinear is within one float32 step at 1 (2^-23; torch's summation order differs slightly).
const TOLERANCE: Record<Exclude<ResizeMode, 'none'>, number> = { nearest: 0, bilinear: 2 ** -23, 'bicubic-pil': 0 };

const cases = Object.keys(arrays).filter((k) => !k.startsWith('input__'));

test('the fixture holds every mode on every image', () => {
  assert.equal(cases.length, 3 * 12);
});

for (const key of cases) {
  const [mode, image, size] = key.split('__') as [Exclude<ResizeMode, 'none'>, string, string];
  test(`${mode} ${image} → ${size} matches ${mode === 'bicubic-pil' ? 'PIL' : 'torch'} within ${TOLERANCE[mode]}`, () => {
    const input = arrays[`input__${image}`]!;
    const [h, w, c] = input.shape as [number, number, number];
    const [outH, outW] = size.split('x').map(Number) as [number, number];
    const out = resizeImages(imageBatch(1, h, w, c, Float32Array.from(input.data as Float32Array)), outH, outW, mode);
    const expected = arrays[key]!;
    assert.deepEqual([out.height, out.width, out.channels], expected.shape);
    let worst = 0;
    for (let i = 0; i < out.data.length; i++)
      worst = Math.max(worst, Math.abs(out.data[i]! - (expected.data[i] as number)));
    assert.ok(worst <= TOLERANCE[mode], `max |difference| ${worst}`);
  });
}

test('bicubic-pil clips the overshoot at a hard edge; bilinear never overshoots', () => {
  const input = arrays.input__edge16x16;
  const batch = imageBatch(1, 16, 16, 3, Float32Array.from(input!.data as Float32Array));
  const cubic = resizeImages(batch, 40, 40, 'bicubic-pil');
  assert.equal(Math.max(...cubic.data), 1);
  assert.equal(Math.min(...cubic.data), 0);
});

test('mode none refuses to change the size', () => {
  assert.throws(() => resizeImages(imageBatch(1, 4, 4, 1), 8, 8, 'none'), /cannot take 4×4 to 8×8/);
});
