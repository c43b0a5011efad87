import { defineConfig } from 'tsup';

export default defineConfig({
  // worker.ts is the bootstrap every WorkerPool thread runs; it ships as dist/worker.js.
  entry: ['src/index.ts', 'src/worker.ts'],
  format: ['esm', 'cjs'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  shims: true,
});
