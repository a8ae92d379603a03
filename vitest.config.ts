import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 900_000,
    // Suites that build Helm or plugin.wasm share caches on disk; run files one at a time.
    fileParallelism: false,
  },
});
