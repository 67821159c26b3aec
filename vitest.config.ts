import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts"], exclude: [...configDefaults.exclude, "test/e2e/**"] } },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          // Real pulumi processes on 2 cores: one file at a time.
          fileParallelism: false,
          testTimeout: 10 * 60_000,
          // A cold machine builds the engine in beforeAll.
          hookTimeout: 45 * 60_000,
        },
      },
    ],
  },
});
