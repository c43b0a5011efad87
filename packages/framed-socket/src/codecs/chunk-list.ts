import { Buffer } from 'node:buffer';
/**
 * The chunks of one incomplete frame, kept as views of the received chunks and copied once, when
 * the frame completes (never re-concatenated per chunk).
 */
export class ChunkList {
  #parts: Buffer[] = [];
  /** Bytes held. */
  length = 0;

  push(bytes: Buffer): void {
    this.#parts.push(bytes);
    this.length += bytes.length;
  }

  /** Copies the first `size` bytes held (all by default) into one buffer and empties the list. */
  take(size = this.length): Buffer {
    const all = Buffer.concat(this.#parts, size);
    this.clear();
    return all;
  }

  clear(): void {
    this.#parts = [];
    this.length = 0;
  }

  /** A copy of the last `k` bytes held (`k` <= `length`). */
  tail(k: number): Buffer {
    const out = Buffer.allocUnsafe(k);
    let need = k;
    for (let i = this.#parts.length - 1; i >= 0 && need > 0; i--) {
      const p = this.#parts[i]!;
      const take = Math.min(need, p.length);
      p.copy(out, need - take, p.length - take);
      need -= take;
    }
    return out;
  }

  /** Drops all but the last `k` bytes. */
  keepTail(k: number): void {
    if (this.length <= k) return;
    const kept = k > 0 ? this.tail(k) : null;
    this.#parts = kept ? [kept] : [];
    this.length = k;
  }
}
