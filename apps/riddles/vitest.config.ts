import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // Most of this suite waits on PGlite, Chromium, PostgreSQL and child processes rather than
    // burning CPU, so a few files at a time finish sooner even on 2 cores.
    maxWorkers: 3,
  },
});
