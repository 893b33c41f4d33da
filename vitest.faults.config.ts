import { defineConfig } from "vitest/config";

const report = process.env.DOCSORT_FAULTS_REPORT;

/** npm run test:faults: crash loop, model faults, hostile inputs — one file at a time, each prints its figures. */
export default defineConfig({
  test: {
    include: ["tests/faults/**/*.test.ts"],
    setupFiles: ["tests/support/setup.ts"],
    globalSetup: ["tests/faults/summary.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 180_000,
    reporters: report ? ["default", ["json", { outputFile: report }]] : ["default"],
  },
});
