import { configDefaults, defineConfig } from "vitest/config";

const report = process.env.DOCSORT_TEST_REPORT;

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // npm run test:faults runs these (vitest.faults.config.ts)
    exclude: [...configDefaults.exclude, "tests/faults/**"],
    setupFiles: ["tests/support/setup.ts"],
    pool: "forks",
    // generous: tests wait on conditions, and a loaded 2-core machine is slow; a timeout is never the assertion
    testTimeout: 180_000,
    hookTimeout: 180_000,
    reporters: report ? ["default", ["json", { outputFile: report }]] : ["default"],
  },
});
