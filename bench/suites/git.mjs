/**
 * `sandbox.git` latency against the official SDK's, and against the floor: the same git command
 * started with `commands.run` and exact arguments (what any git call costs at least: one process
 * started in the sandbox and its output streamed back).
 *
 * One sandbox per client, one repository of 200 small files in a bare repository inside each
 * sandbox (cloned from a path, so the network adds nothing and each client pays only for its own
 * work). Measured: a clone, `status` of a tree with changes (parsed), and `branches`.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importOr, measureAsync } from '../lib/measure.mjs';
import { failures, fmtMs, NA, vsCell } from '../lib/table.mjs';

export const name = 'git';
export const order = 60;
export const description = 'sandbox.git clone/status/branches p50: e2b-ts library, official SDK, commands.run floor';

const SETUP = [
  'set -e',
  'rm -rf /home/user/src /home/user/origin.git /home/user/work',
  'mkdir -p /home/user/src && cd /home/user/src && git init -q --initial-branch main',
  'for i in $(seq 1 200); do mkdir -p d$((i % 10)); echo "line $i" > d$((i % 10))/f$i.txt; done',
  'git -c user.name=B -c user.email=b@example.test add -A && git -c user.name=B -c user.email=b@example.test commit -qm init',
  'for b in a b c d e; do git branch feature-$b; done',
  'git clone -q --bare /home/user/src /home/user/origin.git',
  'git clone -q /home/user/origin.git /home/user/work && cd /home/user/work',
  'for i in 1 2 3 4 5; do echo change >> d$i/f$((i + 10)).txt; done; echo new > untracked.txt; git mv d1/f1.txt d1/renamed.txt',
].join('\n');

export async function run(ctx) {
  const runs = ctx.runs(15);
  const conn = await ctx.connection();
  const ours = await importOr(pathToFileURL(join(ctx.root, 'dist', 'index.js')).href);
  const official = await importOr('e2b');
  if (!ours.mod || !official.mod) throw new Error(`cannot import the clients: ${ours.error ?? official.error}`);
  const mine = await ours.mod.Sandbox.create({ ...conn });
  const sdk = await official.mod.Sandbox.create({ ...conn });
  try {
    for (const sbx of [mine, sdk]) await sbx.commands.run(SETUP, { timeoutMs: 120_000 });
    let n = 0;
    const cloneTo = () => `/home/user/clone-${n++}`;
    const rm = (sbx, path) => sbx.commands.run(`rm -rf ${path}`);
    const ops = [
      {
        op: 'clone',
        floor: async () => {
          const path = cloneTo();
          await mine.commands.run('git', { args: ['clone', '/home/user/origin.git', path] });
          return path;
        },
        ours: async () => {
          const path = cloneTo();
          await mine.git.clone('/home/user/origin.git', { path });
          return path;
        },
        sdk: async () => {
          const path = cloneTo();
          await sdk.git.clone('/home/user/origin.git', { path });
          return path;
        },
        after: { floor: (p) => rm(mine, p), ours: (p) => rm(mine, p), sdk: (p) => rm(sdk, p) },
      },
      {
        op: 'status',
        floor: () => mine.commands.run('git', { args: ['-C', '/home/user/work', 'status', '--porcelain=2', '--branch', '-z'] }),
        ours: () => mine.git.status('/home/user/work'),
        sdk: () => sdk.git.status('/home/user/work'),
      },
      {
        op: 'branches',
        floor: () => mine.commands.run('git', { args: ['-C', '/home/user/src', 'branch', '--format=%(refname:short)'] }),
        ours: () => mine.git.branches('/home/user/src'),
        sdk: () => sdk.git.branches('/home/user/src'),
      },
    ];
    const tables = [];
    const checks = [];
    const rows = [];
    for (const o of ops) {
      const measured = await measureAsync(
        [
          { key: 'floor', label: `commands.run git ${o.op} (floor)`, run: o.floor, ...(o.after ? { after: o.after.floor } : {}) },
          { key: 'ours', label: `e2b-ts git.${o.op}`, run: o.ours, ...(o.after ? { after: o.after.ours } : {}) },
          { key: 'sdk', label: `official SDK git.${o.op}`, run: o.sdk, ...(o.after ? { after: o.after.sdk } : {}) },
        ],
        { runs, signal: ctx.signal },
      );
      const by = Object.fromEntries(measured.map((r) => [r.row.key, r]));
      const p50 = (r) => (r?.ok ? r.wallStats.p50 : NaN);
      for (const r of measured) {
        rows.push(
          r.ok
            ? {
                op: o.op,
                client: r.label,
                runs: String(r.wallStats.n),
                p50: fmtMs(r.wallStats.p50),
                p99: fmtMs(r.wallStats.p99),
                floor: vsCell(r, by.floor, p50, ''),
                official: r.row.key === 'ours' ? vsCell(r, by.sdk, p50) : '',
              }
            : { op: o.op, client: r.label, runs: '0', p50: 'failed*' },
        );
      }
      const ratio = p50(by.ours) / p50(by.sdk);
      checks.push({
        label: `\`git.${o.op}\` p50 vs the official SDK`,
        value: Number.isFinite(ratio) ? `${ratio.toFixed(2)}x (${fmtMs(p50(by.ours))} vs ${fmtMs(p50(by.sdk))} ms)` : NA,
        target: '<= 1.1x',
        pass: Number.isFinite(ratio) ? ratio <= 1.1 : null,
      });
      tables.push(...failures(measured));
    }
    return [
      {
        title: 'sandbox.git (library, in-process)',
        description:
          `p50/p99 of each call, ${runs} runs after one warm-up, interleaved; each client in its own sandbox of the local backend, ` +
          'repository of 200 files cloned from a bare repository in the same sandbox; status of a tree with 5 changed, 1 renamed and 1 untracked file.',
        columns: [
          { key: 'op', label: 'call' },
          { key: 'client', label: 'client' },
          { key: 'runs', label: 'runs', align: 'right' },
          { key: 'p50', label: 'p50 ms', align: 'right' },
          { key: 'p99', label: 'p99 ms', align: 'right' },
          { key: 'floor', label: 'vs floor', align: 'right' },
          { key: 'official', label: 'vs official', align: 'right' },
        ],
        rows,
        checks,
        notes: ['p99 is nearest-rank: with fewer than 100 runs it is the slowest run.', ...tables],
      },
    ];
  } finally {
    await mine.kill().catch(() => undefined);
    await sdk.kill().catch(() => undefined);
  }
}
