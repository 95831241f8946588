/**
 * Reads whose presence the data promises rather than a loop bound (a shape's
 * rank, a list a step before filled), under `noUncheckedIndexedAccess`: one
 * that is missing is a bug, and the error says which list and which index.
 */

/** The element at `i`; throws naming `what` when there is none. */
export function at<T>(list: ArrayLike<T>, i: number, what = 'list'): T {
  const value = list[i];
  if (value === undefined) throw new Error(`${what} has no element ${i} (it has ${list.length})`);
  return value;
}

/** The leading dimensions of a tensor's shape: `const [n, h, w, c] = dims(t.shape, 4)`. */
export function dims(shape: readonly number[], rank: 1, what?: string): [number];
export function dims(shape: readonly number[], rank: 2, what?: string): [number, number];
export function dims(shape: readonly number[], rank: 3, what?: string): [number, number, number];
export function dims(shape: readonly number[], rank: 4, what?: string): [number, number, number, number];
export function dims(shape: readonly number[], rank: number, what = 'tensor'): number[] {
  if (shape.length < rank)
    throw new Error(`${what} has shape [${shape.join(', ')}], where ${rank} dimensions were expected`);
  return shape.slice(0, rank);
}
