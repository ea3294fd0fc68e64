import { configDefaults, defineConfig } from 'vitest/config';

/** Tests that read only the source (no database, no hub): they run without the suite's PostgreSQL. */
const SOURCE_ONLY = [
  'tests/units.test.ts',
  'tests/structure.test.ts',
  'tests/enums.test.ts',
  'tests/schema-check.test.ts',
  'tests/supergraph.test.ts',
  'tests/case-engine.test.ts',
  'tests/shaping.test.ts',
  'tests/compiled-execution.test.ts',
];

export default defineConfig({
  test: {
    reporters: ['default', './tests/setup/summary-reporter.ts'],
    pool: 'forks',
    // Test files run one after another in one process that keeps its loaded modules (on 2 cores vitest runs one
    // worker), instead of a fresh process importing the hub's modules again for each file: about 2 s a file. The
    // suite holds no state that could leak from one file into the next: module state is per process by design
    // (caches keyed and checked by their data's versions), and no test mocks a module, stubs the environment or
    // fakes the clock (tests/structure.test.ts checks that).
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'source', include: SOURCE_ONLY } },
      // Only this project starts (and seeds) the suite's PostgreSQL, and only when one of its files runs.
      {
        extends: true,
        test: { name: 'hub', include: ['tests/**/*.test.ts'], exclude: [...configDefaults.exclude, ...SOURCE_ONLY], globalSetup: ['tests/setup/global.ts'] },
      },
    ],
  },
});
