import { defineConfig, type Options } from 'tsup';

// worker.ts is the bootstrap every WorkerPool thread runs; it ships as dist/worker.js.
const common: Options = {
  entry: ['src/index.ts', 'src/worker.ts'],
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  shims: true,
  dts: { entry: 'src/index.ts' },
  // The two builds run side by side; `npm run build` empties dist/ before them instead.
  clean: false,
};

export default defineConfig([
  { ...common, format: 'esm' },
  {
    ...common,
    format: 'cjs',
    // p-limit and yocto-queue are ESM only. Required from CJS (where Node can require ES modules at
    // all) their default export arrives as the module namespace, not the function or class, so the
    // CJS build carries its own copy of both: one p-limit and the one yocto-queue it uses.
    noExternal: ['p-limit', 'yocto-queue'],
    banner: { js: '/*! Contains p-limit and yocto-queue (MIT); see THIRD_PARTY_LICENSES.md. */' },
  },
]);
