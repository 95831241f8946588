/**
 * Bilinear resize as torch's `F.interpolate(x, size, mode='bilinear',
 * align_corners=False)` without antialiasing: each output pixel samples the
 * input at src = (dst + 0.5)·in/out − 0.5 (clamped at 0) between its two
 * neighbours per axis. Arithmetic as torch's CPU kernel does it for float
 * tensors (see bilinearTaps). One image, HWC.
 */
const f = Math.fround;

export interface LinearTaps {
  i0: Int32Array;
  i1: Int32Array;
  w0: Float64Array;
  w1: Float64Array;
}

export function bilinearTaps(inSize: number, outSize: number): LinearTaps {
  const scale = f(inSize / outSize);
  const taps = {
    i0: new Int32Array(outSize),
    i1: new Int32Array(outSize),
    w0: new Float64Array(outSize),
    w1: new Float64Array(outSize),
  };
  for (let d = 0; d < outSize; d++) {
    // The scale is float32; the source index and weights are worked out in
    // double (torch's CPU accumulate type for float) and stored as float32.
    let src = scale * (d + 0.5) - 0.5;
    if (src < 0) src = 0;
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const lambda = Math.min(Math.max(src - i0, 0), 1);
    taps.i0[d] = i0;
    taps.i1[d] = Math.min(i0 + 1, inSize - 1);
    taps.w1[d] = f(lambda);
    taps.w0[d] = f(1 - lambda);
  }
  return taps;
}

export function resizeBilinear(
  src: Float32Array,
  h: number,
  w: number,
  c: number,
  outH: number,
  outW: number,
): Float32Array {
  const ys = bilinearTaps(h, outH);
  const xs = bilinearTaps(w, outW);
  const out = new Float32Array(outH * outW * c);
  for (let y = 0; y < outH; y++) {
    const r0 = ys.i0[y]! * w;
    const r1 = ys.i1[y]! * w;
    const hy0 = ys.w0[y]!;
    const hy1 = ys.w1[y]!;
    for (let x = 0; x < outW; x++) {
      const a = xs.i0[x]!;
      const b = xs.i1[x]!;
      const wx0 = xs.w0[x]!;
      const wx1 = xs.w1[x]!;
      for (let k = 0; k < c; k++) {
        // Nested and rounded to float32 at every step, as torch's CPU kernel evaluates it.
        const top = f(f(src[(r0 + a) * c + k]! * wx0) + f(src[(r0 + b) * c + k]! * wx1));
        const bottom = f(f(src[(r1 + a) * c + k]! * wx0) + f(src[(r1 + b) * c + k]! * wx1));
        out[(y * outW + x) * c + k] = f(top * hy0) + f(bottom * hy1);
      }
    }
  }
  return out;
}
