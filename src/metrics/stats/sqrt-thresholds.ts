/**
 * Exact comparisons of a distance √s with a radius r, made on s alone.
 * Because the correctly rounded square root is monotone, {s : √s ≤ r} and
 * {s : √s < r} are both of the form {s ≤ t}; t is found by stepping one
 * ulp at a time from r². The comparison then gives the same answer as
 * computing √s first, as the references do, tie for tie.
 */
const bits = new Float64Array(1);
const word = new BigInt64Array(bits.buffer);

/** The next double after a non-negative x, towards +∞ or −∞. */
function step(x: number, up: boolean): number {
  if (x === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
  bits[0] = x;
  word[0]! += up ? 1n : -1n;
  return bits[0]!;
}

/** The largest s ≥ 0 with √s ≤ r (−∞ when there is none). */
export function squaredAtMost(r: number): number {
  return largestSquareWhere(r, (root) => root <= r);
}

/** The largest s ≥ 0 with √s < r (−∞ when there is none). */
export function squaredBelow(r: number): number {
  return largestSquareWhere(r, (root) => root < r);
}

function largestSquareWhere(r: number, holds: (root: number) => boolean): number {
  if (!holds(0)) return -Infinity;
  if (r === Infinity) return Infinity;
  let t = r * r;
  while (t > 0 && !holds(Math.sqrt(t))) t = step(t, false);
  while (holds(Math.sqrt(step(t, true)))) t = step(t, true);
  return t;
}
