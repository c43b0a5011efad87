// Benchmark task module shared by @cb/concurrency's WorkerPool, piscina and tinypool.
import { createHash } from 'node:crypto';

export default function hash({ data, rounds }) {
  let digest = '';
  for (let i = 0; i < rounds; i++) digest = createHash('sha256').update(data).update(digest).digest('hex');
  return digest;
}
