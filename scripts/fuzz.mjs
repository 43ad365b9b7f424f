#!/usr/bin/env node
// The long run of the fuzz suites (test/fuzz), nightly-style: `npm run fuzz`.
//
//   FUZZ_RUNS   runs per property: `100x` (a hundred times what `npm test` runs) unless set
//   FUZZ_SEED   a fresh random seed unless set; printed first, so a failure can be replayed at
//               the same size with the same two variables (each failure also prints its own
//               FUZZ_SEED/FUZZ_PATH command, which replays just the failing case)
//
// Further arguments go to vitest: `npm run fuzz -- test/fuzz/tar.test.ts`.
// Without a per-test time limit: a hundred times the runs takes a hundred times as long. Each
// property still has its own deadline per run (a hang fails it).
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const vitest = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');

const seed = process.env.FUZZ_SEED?.trim() || String(randomInt(0, 2 ** 31));
const runs = process.env.FUZZ_RUNS?.trim() || '100x';
process.stderr.write(`fuzz: FUZZ_SEED=${seed} FUZZ_RUNS=${runs}\n`);

const args = process.argv.slice(2);
const result = spawnSync(process.execPath, [vitest, 'run', '--testTimeout', '0', ...(args.length > 0 ? args : ['test/fuzz'])], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_SEED: seed, FUZZ_RUNS: runs },
});
if (result.error) throw result.error;
process.stderr.write(`fuzz: FUZZ_SEED=${seed} FUZZ_RUNS=${runs}\n`);
process.exitCode = result.status ?? 1;
