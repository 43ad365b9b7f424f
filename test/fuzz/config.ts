/**
 * How the fuzz suites run fast-check, from the environment:
 *
 * - `FUZZ_SEED`: the seed of every property (an integer). Default: {@link CI_SEED}, so `npm test`
 *   generates the same inputs on every machine and a CI failure replays anywhere.
 * - `FUZZ_RUNS`: runs per property, as a count (`5000`) or as a multiple of each property's own
 *   CI count (`100x`). Default: the CI count, which each suite sizes so that all of test/fuzz adds
 *   well under a minute to `npm test` on a 2-core machine.
 * - `FUZZ_PATH`: with `FUZZ_SEED`, replays one counterexample (the path a failure prints). Pick
 *   the one test with `-t`, as the printed command does: another property has other paths.
 *
 * `npm run fuzz` (scripts/fuzz.mjs) is the long run: 100 times the runs, a fresh seed printed first.
 */
import fc from 'fast-check';
import { expect } from 'vitest';

/** The seed `npm test` uses. Any fixed number would do; this one is the day the suites were written. */
export const CI_SEED = 20261206;

export interface FuzzSettings {
  seed: number;
  /** Runs for a property whose CI count is `ciRuns`. */
  runs(ciRuns: number): number;
  path?: string;
}

/** Reads the settings; a malformed variable is an error rather than a silently shorter run. */
export function fuzzSettings(env: NodeJS.ProcessEnv = process.env): FuzzSettings {
  const seedText = env.FUZZ_SEED?.trim();
  if (seedText && !/^-?\d+$/.test(seedText)) throw new Error(`FUZZ_SEED must be an integer, not ${JSON.stringify(seedText)}`);
  const seed = seedText ? Number(seedText) : CI_SEED;

  const runsText = env.FUZZ_RUNS?.trim();
  const match = runsText ? /^(\d+)(x?)$/.exec(runsText) : null;
  if (runsText && (!match || Number(match[1]) === 0)) throw new Error(`FUZZ_RUNS must be a count (5000) or a multiple (100x), not ${JSON.stringify(runsText)}`);
  const runs = (ciRuns: number) => (!match ? ciRuns : match[2] ? ciRuns * Number(match[1]) : Number(match[1]));

  const path = env.FUZZ_PATH?.trim() || undefined;
  return { seed, runs, ...(path ? { path } : {}) };
}

export interface FuzzOptions {
  /** Runs in CI (`npm test`); FUZZ_RUNS scales or replaces it. */
  runs: number;
  /**
   * A run still going after this long fails the property, as a hang. A deadline for async
   * properties only (fast-check cannot interrupt synchronous code); far above what one run
   * needs, so only a run that would never end trips it.
   */
  hangMs?: number;
}

const regexQuote = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Checks a property with the settings above. On failure the error carries fast-check's report
 * (seed, path, shrunk counterexample, the error it raised) and the command that replays it.
 */
export async function fuzz<Ts>(property: fc.IAsyncProperty<Ts> | fc.IProperty<Ts>, opts: FuzzOptions): Promise<void> {
  const settings = fuzzSettings();
  const params: fc.Parameters<Ts> = {
    seed: settings.seed,
    numRuns: settings.runs(opts.runs),
    // the assertion that failed belongs in the report itself, next to the counterexample
    includeErrorInReport: true,
    ...(settings.path ? { path: settings.path } : {}),
    ...(opts.hangMs ? { plugins: [fc.timeout(opts.hangMs)] } : {}),
  };
  const details = await fc.check(property as fc.IAsyncProperty<Ts>, params);
  if (!details.failed) return;
  const state = expect.getState();
  const file = state.testPath ? state.testPath.replace(`${process.cwd()}/`, '') : 'test/fuzz';
  const name = state.currentTestName ? ` -t ${shellQuote(`^${regexQuote(state.currentTestName.replace(/ > /g, ' '))}$`)}` : '';
  const replay = `FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath ?? ''} npx vitest run ${file}${name}`;
  throw new Error(`${fc.defaultReportMessage(details) ?? 'property failed'}\n\nReplay: ${replay}`, { cause: details.errorInstance });
}
