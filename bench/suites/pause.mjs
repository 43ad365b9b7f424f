/**
 * Local pause and resume latency: with memory (the process tree frozen and thawed) and without
 * (processes ended, files kept; resume starts envd again on the same files and mounts the
 * sandbox's writable root again), through our library and the official SDK against the same
 * local backend.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importOr, measureAsync } from '../lib/measure.mjs';
import { failures, fmtMs } from '../lib/table.mjs';

export const name = 'pause';
export const order = 25;
export const description = 'local pause/resume p50: with and without memory, e2b-ts library and official SDK';

export async function run(ctx) {
  const runs = ctx.runs(10);
  const conn = await ctx.connection();
  const ours = await importOr(pathToFileURL(join(ctx.root, 'dist', 'index.js')).href);
  const official = await importOr('e2b');
  if (!ours.mod || !official.mod) throw new Error(`cannot import the clients: ${ours.error ?? official.error}`);
  const mine = await ours.mod.Sandbox.create({ ...conn, timeoutMs: 600_000 });
  const sdk = await official.mod.Sandbox.create({ ...conn, timeoutMs: 600_000 });
  const resumeOurs = () => ours.mod.Sandbox.connect(mine.sandboxId, { ...conn, timeoutMs: 600_000 });
  const resumeSdk = () => official.mod.Sandbox.connect(sdk.sandboxId, { ...conn, timeoutMs: 600_000 });
  try {
    const rows = [];
    const all = [];
    for (const memory of [true, false]) {
      const kind = memory ? 'with memory' : 'without memory';
      const pauseOpts = memory ? {} : { keepMemory: false };
      // pause timed, resume after it untimed; then resume timed, pause after it untimed
      const pauseRows = [
        { key: 'ours', label: `e2b-ts pause (${kind})`, run: () => mine.pause(pauseOpts), after: () => resumeOurs() },
        { key: 'sdk', label: `official SDK pause (${kind})`, run: () => sdk.pause(pauseOpts), after: () => resumeSdk() },
      ];
      ctx.log(`pause: pause ${kind}, ${runs} runs each`);
      const paused = await measureAsync(pauseRows, { runs, signal: ctx.signal });
      await mine.pause(pauseOpts);
      await sdk.pause(pauseOpts);
      const resumeRows = [
        { key: 'ours', label: `e2b-ts resume (connect, ${kind})`, run: () => resumeOurs(), after: () => mine.pause(pauseOpts) },
        { key: 'sdk', label: `official SDK resume (connect, ${kind})`, run: () => resumeSdk(), after: () => sdk.pause(pauseOpts) },
      ];
      ctx.log(`pause: resume ${kind}, ${runs} runs each`);
      const resumed = await measureAsync(resumeRows, { runs, signal: ctx.signal });
      await resumeOurs();
      await resumeSdk();
      all.push(...paused, ...resumed);
      for (const r of [...paused, ...resumed]) {
        rows.push(
          r.ok
            ? { op: r.label, runs: String(r.wallStats.n), p50: fmtMs(r.wallStats.p50), p99: fmtMs(r.wallStats.p99) }
            : { op: r.label, runs: '0', p50: 'failed*' },
        );
      }
    }
    return [
      {
        title: 'pause and resume (API, in-process)',
        description:
          `p50/p99 of each call, ${runs} runs after one warm-up, interleaved between the clients, against the local backend. ` +
          'Resume is `Sandbox.connect` of a paused sandbox (what both SDKs do to resume).',
        columns: [
          { key: 'op', label: 'call' },
          { key: 'runs', label: 'runs', align: 'right' },
          { key: 'p50', label: 'p50 ms', align: 'right' },
          { key: 'p99', label: 'p99 ms', align: 'right' },
        ],
        rows,
        checks: [],
        notes: ['p99 is nearest-rank: with fewer than 100 runs it is the slowest run.', ...failures(all)],
      },
    ];
  } finally {
    await mine.kill().catch(() => undefined);
    await sdk.kill().catch(() => undefined);
  }
}
