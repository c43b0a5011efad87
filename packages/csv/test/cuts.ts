/**
 * Where a property test cuts an input of `length` characters or bytes: `cuts` (any natural numbers)
 * are taken modulo `length + 1` and merged, and the [start, end) bounds of every piece come back in
 * order, empty pieces at either end included.
 */
export function pieceBounds(length: number, cuts: readonly number[]): [number, number][] {
  const points = [...new Set(cuts.map((c) => c % (length + 1)))].sort((a, b) => a - b);
  const bounds: [number, number][] = [];
  let prev = 0;
  for (const p of [...points, length]) {
    bounds.push([prev, p]);
    prev = p;
  }
  return bounds;
}
