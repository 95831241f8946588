import assert from 'node:assert/strict';

/**
 * Relative error of feature vectors: per image, the largest |ours − theirs|
 * over the largest |theirs| in that image's vector (max norm); the worst
 * image. (Elementwise ratios are dominated by near-zero features: a value of
 * 0.0011 off by 2.5e-8 is 2e-5 "relative" and still a match.)
 */
export function maxRelative(ours: ArrayLike<number>, theirs: ArrayLike<number>, dim: number): number {
  assert.equal(ours.length, theirs.length);
  let worst = 0;
  for (let row = 0; row < ours.length / dim; row++) {
    let err = 0;
    let scale = 0;
    for (let j = row * dim; j < (row + 1) * dim; j++) {
      err = Math.max(err, Math.abs(ours[j]! - theirs[j]!));
      scale = Math.max(scale, Math.abs(theirs[j]!));
    }
    worst = Math.max(worst, err / scale);
  }
  return worst;
}
