import { defineConfig } from 'vitest/config';

// Three projects, run by scripts/test.mjs: fast unit tests, API tests against the
// real stack (LiveKit, Postgres), and browser end-to-end tests with measured audio.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['server/test/domain/**/*.test.ts', 'server/test/summary/**/*.test.ts', 'server/test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'api',
          include: ['server/test/api/**/*.test.ts', 'server/test/ops/**/*.test.ts', 'server/test/store/**/*.test.ts', 'server/test/livekit/**/*.test.ts', 'server/test/phone/**/*.test.ts', 'devkit/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
