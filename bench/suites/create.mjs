/**
 * Local `sandbox create` latency.
 *
 * API level (in this process): POST /sandboxes with plain fetch (the floor: the daemon's own
 * cost plus one HTTP round trip), our library's Sandbox.create and the official SDK's
 * Sandbox.create (`e2b`), all against the same local backend. Each created sandbox is killed
 * right after, outside the timed part.
 *
 * CLI level (a child process per run): `e2b-ts sandbox create --local`, start-up included, beside
 * `node -e 0`. The official CLI has no comparable command: its `sandbox create` attaches a
 * terminal to the new sandbox.
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { importOr, measureAsync, measureCommands } from '../lib/measure.mjs';
import { failures, fmtMiB, fmtMs, NA, vsCell } from '../lib/table.mjs';

export const name = 'create';
export const order = 20;
export const description = 'local sandbox create p50/p99: raw HTTP, e2b-ts library, official SDK, e2b-ts CLI';

const TARGET_MS = 150;

export async function run(ctx) {
  const apiRuns = ctx.runs(20);
  const cliRuns = ctx.runs(10);
  const backend = await ctx.backend();
  const conn = await ctx.connection();

  // ---- API level ----
  const ours = await importOr(pathToFileURL(join(ctx.root, 'dist', 'index.js')).href);
  const official = await importOr('e2b');
  const failing = (reason) => async () => {
    throw new Error(reason);
  };
  const apiRows = [
    {
      key: 'floor',
      label: 'fetch POST /sandboxes (floor)',
      run: () => backend.createSandbox(),
      after: (id) => backend.killSandbox(id),
    },
    {
      key: 'ours',
      label: 'e2b-ts Sandbox.create',
      peer: 'official',
      run: ours.mod ? () => ours.mod.Sandbox.create({ ...conn }) : failing(`cannot import dist/index.js: ${ours.error}`),
      after: (sbx) => sbx.kill(),
    },
    {
      key: 'official',
      label: 'official SDK (e2b) Sandbox.create',
      run: official.mod ? () => official.mod.Sandbox.create({ ...conn }) : failing(`cannot import e2b: ${official.error}`),
      after: (sbx) => sbx.kill(),
    },
  ];
  ctx.log(`create: API level, ${apiRows.length} clients x ${apiRuns} runs (+1 warm-up), interleaved`);
  const api = await measureAsync(apiRows, { runs: apiRuns, signal: ctx.signal });
  const apiBy = Object.fromEntries(api.map((r) => [r.row.key, r]));
  const p50 = (r) => (r?.ok ? r.wallStats.p50 : NaN);

  const apiTable = {
    title: 'sandbox create (API, in-process)',
    description:
      `Time from the call to the created sandbox (kill not counted), ${apiRuns} runs each after one warm-up, interleaved, ` +
      `against the local backend (runtime: ${backend.runtime}).`,
    columns: [
      { key: 'client', label: 'client' },
      { key: 'runs', label: 'runs', align: 'right' },
      { key: 'p50', label: 'p50 ms', align: 'right' },
      { key: 'p99', label: 'p99 ms', align: 'right' },
      { key: 'min', label: 'min ms', align: 'right' },
      { key: 'floor', label: 'vs floor', align: 'right' },
      { key: 'official', label: 'vs official', align: 'right' },
    ],
    rows: api.map((r) => {
      if (!r.ok) return { client: r.label, runs: '0', p50: 'failed*' };
      const peer = r.row.peer ? apiBy[r.row.peer] : undefined;
      return {
        client: r.label,
        runs: String(r.wallStats.n),
        p50: fmtMs(r.wallStats.p50),
        p99: fmtMs(r.wallStats.p99),
        min: fmtMs(r.wallStats.min),
        floor: vsCell(r, apiBy.floor, p50, ''),
        official: r.row.peer ? vsCell(r, peer, p50) : '',
      };
    }),
    checks: [
      {
        label: 'library `Sandbox.create` p50 (local)',
        value: Number.isFinite(p50(apiBy.ours)) ? `${fmtMs(p50(apiBy.ours))} ms` : NA,
        target: `< ${TARGET_MS} ms`,
        pass: Number.isFinite(p50(apiBy.ours)) ? p50(apiBy.ours) < TARGET_MS : null,
      },
    ],
    notes: ['p99 is nearest-rank: with fewer than 100 runs it is the slowest run.', ...failures(api)],
  };

  // ---- CLI level ----
  const env = await ctx.cliEnv();
  const cli = ctx.commands.ours;
  const cliRows = [
    { key: 'floor', label: 'node -e 0 (floor)', cmd: ctx.commands.node, args: ['-e', '0'] },
    {
      key: 'create',
      label: 'e2b-ts sandbox create --local',
      cmd: cli[0],
      args: [...cli.slice(1), 'sandbox', 'create', '--local'],
      check: (r) => (/^\w+$/.test(r.stdout.trim().split('\n')[0] ?? '') ? undefined : `unexpected output: ${r.stdout.slice(0, 80)}`),
      after: async (r) => {
        const id = r.stdout.trim().split('\n')[0];
        if (r.status === 0 && id) await backend.killSandbox(id);
      },
    },
  ];
  ctx.log(`create: CLI level, ${cliRuns} runs (+1 warm-up)`);
  const cliRes = await measureCommands(cliRows, { runs: cliRuns, env, cwd: ctx.root, tmpDir: ctx.tmpDir, signal: ctx.signal });
  const cliBy = Object.fromEntries(cliRes.map((r) => [r.row.key, r]));
  const cliP50 = p50(cliBy.create);
  const cliTable = {
    title: 'sandbox create (CLI, whole process)',
    description:
      `Wall time of \`e2b-ts sandbox create --local\` (start-up included; the sandbox is killed after, not counted) and its peak RSS, ` +
      `${cliRuns} runs after one warm-up. The official CLI has no comparable command (its \`sandbox create\` attaches a terminal).`,
    columns: [
      { key: 'command', label: 'command' },
      { key: 'runs', label: 'runs', align: 'right' },
      { key: 'p50', label: 'p50 ms', align: 'right' },
      { key: 'p99', label: 'p99 ms', align: 'right' },
      { key: 'min', label: 'min ms', align: 'right' },
      { key: 'rss', label: 'peak RSS MiB', align: 'right' },
      { key: 'floor', label: 'vs floor', align: 'right' },
    ],
    rows: cliRes.map((r) => {
      if (!r.ok) return { command: r.label, runs: '0', p50: 'failed*' };
      return {
        command: r.label,
        runs: String(r.wallStats.n),
        p50: fmtMs(r.wallStats.p50),
        p99: fmtMs(r.wallStats.p99),
        min: fmtMs(r.wallStats.min),
        rss: fmtMiB(r.rssStats.median),
        floor: vsCell(r, cliBy.floor, p50, ''),
      };
    }),
    checks: [
      {
        label: '`e2b-ts sandbox create --local` p50, start-up included',
        value: Number.isFinite(cliP50) ? `${fmtMs(cliP50)} ms` : NA,
        target: `< ${TARGET_MS} ms`,
        pass: Number.isFinite(cliP50) ? cliP50 < TARGET_MS : null,
      },
    ],
    notes: failures(cliRes),
  };

  // ---- from a template of 500 MB of files ----
  const bigTable = await fromBigTemplate(ctx, ours, conn, apiRuns);
  return [apiTable, cliTable, bigTable];
}

/**
 * Create from a snapshot holding 500 MB of files (50 files of 10 MiB in /opt/data and
 * /usr/local/data): where the runtime mounts template layers, nothing is copied and the create
 * costs what a create without a warm spare costs.
 */
async function fromBigTemplate(ctx, ours, conn, runs) {
  const table = {
    title: 'sandbox create from a 500 MB template (API, in-process)',
    description: `e2b-ts Sandbox.create of a snapshot with 500 MB of files (50 x 10 MiB, half under /usr), ${runs} runs after one warm-up.`,
    columns: [
      { key: 'client', label: 'client' },
      { key: 'runs', label: 'runs', align: 'right' },
      { key: 'p50', label: 'p50 ms', align: 'right' },
      { key: 'p99', label: 'p99 ms', align: 'right' },
    ],
    rows: [],
    checks: [],
    notes: [],
  };
  if (!ours.mod) {
    table.notes.push(`n/a: cannot import dist/index.js: ${ours.error}`);
    return table;
  }
  const source = await ours.mod.Sandbox.create({ ...conn, timeoutMs: 600_000 });
  let snapshotId;
  try {
    await source.commands.run(
      'mkdir -p /opt/data /usr/local/data && for i in $(seq 1 25); do head -c 10485760 /dev/urandom > /opt/data/f$i; head -c 10485760 /dev/urandom > /usr/local/data/f$i; done',
      { user: 'root', timeoutMs: 300_000 },
    );
    snapshotId = (await source.createSnapshot()).snapshotId;
  } finally {
    await source.kill().catch(() => undefined);
  }
  ctx.log(`create: from a 500 MB template, ${runs} runs (+1 warm-up)`);
  const [res] = await measureAsync(
    [{ key: 'big', label: 'e2b-ts Sandbox.create(500 MB snapshot)', run: () => ours.mod.Sandbox.create(snapshotId, { ...conn }), after: (sbx) => sbx.kill() }],
    { runs, signal: ctx.signal },
  );
  await ours.mod.Sandbox.deleteSnapshot(snapshotId, { ...conn }).catch(() => undefined);
  const p50 = res.ok ? res.wallStats.p50 : NaN;
  table.rows.push(
    res.ok
      ? { client: res.label, runs: String(res.wallStats.n), p50: fmtMs(p50), p99: fmtMs(res.wallStats.p99) }
      : { client: res.label, runs: '0', p50: 'failed*' },
  );
  table.checks.push({
    label: 'library `Sandbox.create` from a 500 MB template p50 (local)',
    value: Number.isFinite(p50) ? `${fmtMs(p50)} ms` : NA,
    target: `< ${TARGET_MS} ms`,
    pass: Number.isFinite(p50) ? p50 < TARGET_MS : null,
  });
  table.notes.push(...failures([res]));
  return table;
}
