// Benchmark task module that does no work: it takes the same 1 KB task as hash-task.mjs and returns
// a digest-sized string, so a pool running it measures only what the pool itself costs per task.
const DIGEST = 'f'.repeat(64);

export default function empty() {
  return DIGEST;
}
