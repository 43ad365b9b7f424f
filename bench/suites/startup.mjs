/**
 * Start-up: wall time and peak RSS of short CLI invocations, beside the floor (`node -e 0`) and
 * the official CLI (@e2b/cli) doing the same thing against the same local backend.
 *
 * The list commands see the same two running sandboxes (created here, killed at the end), and
 * both print JSON: `e2b-ts sandbox ls --local --json` vs `e2b sandbox list --format json`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureCommands } from '../lib/measure.mjs';
import { ratio } from '../lib/stats.mjs';
import { failures, fmtMiB, fmtMs, NA, vsCell } from '../lib/table.mjs';

export const name = 'startup';
export const order = 10;
export const description = 'CLI start-up: --version, --help, sandbox ls --help, local status, sandbox list vs node -e 0 and @e2b/cli';

const FIXTURES = 2;

function jsonListCheck(expected) {
  return (run) => {
    let list;
    try {
      list = JSON.parse(run.stdout);
    } catch {
      return `output is not JSON: ${run.stdout.slice(0, 80)}`;
    }
    if (!Array.isArray(list)) return 'output is not a JSON array';
    if (list.length !== expected) return `listed ${list.length} sandboxes, expected ${expected}`;
    return undefined;
  };
}

export async function run(ctx) {
  const runs = ctx.runs(15);
  const backend = await ctx.backend();
  const env = await ctx.cliEnv();
  const { node, ours, official, officialVersion } = ctx.commands;
  const ourVersion = JSON.parse(readFileSync(join(ctx.root, 'package.json'), 'utf8')).version;

  const ids = [];
  ctx.defer(async () => {
    await Promise.all(ids.map((id) => backend.killSandbox(id)));
  });
  for (let i = 0; i < FIXTURES; i++) ids.push(await backend.createSandbox({ timeout: 3600, metadata: { bench: 'startup-fixture' } }));

  const printsVersion = (v) => (r) => (r.stdout.includes(v) ? undefined : `expected version ${v}, got ${r.stdout.trim().slice(0, 60)}`);
  const printsUsage = (r) => (/usage/i.test(r.stdout) ? undefined : 'no usage text on stdout');
  const printsRunning = (r) => (/^status\s+running$/m.test(r.stdout) ? undefined : `no "status running" line: ${r.stdout.slice(0, 60)}`);

  const rows = [
    { key: 'floor', label: 'node -e 0 (floor)', cmd: node, args: ['-e', '0'] },
    { key: 'version', label: 'e2b-ts --version', cmd: ours[0], args: [...ours.slice(1), '--version'], check: printsVersion(ourVersion), peer: 'off-version' },
    { key: 'help', label: 'e2b-ts --help', cmd: ours[0], args: [...ours.slice(1), '--help'], check: printsUsage, peer: 'off-help' },
    // issue 17: a real command through the whole command tree (commander, the sandbox noun), and
    // one that reads the state folder and asks the backend; the last with chalk loaded
    { key: 'verb-help', label: 'e2b-ts sandbox ls --help', cmd: ours[0], args: [...ours.slice(1), 'sandbox', 'ls', '--help'], check: printsUsage },
    { key: 'status', label: 'e2b-ts local status', cmd: ours[0], args: [...ours.slice(1), 'local', 'status'], check: printsRunning },
    {
      key: 'status-color',
      label: 'e2b-ts local status (FORCE_COLOR=1: chalk loaded)',
      cmd: ours[0],
      args: [...ours.slice(1), 'local', 'status'],
      env: { ...env, FORCE_COLOR: '1' },
      check: printsRunning,
    },
    {
      key: 'ls',
      label: 'e2b-ts sandbox ls --local --json',
      cmd: ours[0],
      args: [...ours.slice(1), 'sandbox', 'ls', '--local', '--json'],
      check: jsonListCheck(FIXTURES),
      peer: 'off-ls',
    },
  ];
  const missingOfficial = official ? undefined : 'n/a';
  if (official) {
    rows.push(
      {
        key: 'off-version',
        label: `e2b --version (@e2b/cli ${officialVersion})`,
        cmd: official[0],
        args: [...official.slice(1), '--version'],
        check: printsVersion(officialVersion),
      },
      { key: 'off-help', label: 'e2b --help', cmd: official[0], args: [...official.slice(1), '--help'], check: printsUsage },
      {
        key: 'off-ls',
        label: 'e2b sandbox list --format json',
        cmd: official[0],
        args: [...official.slice(1), 'sandbox', 'list', '--format', 'json'],
        check: jsonListCheck(FIXTURES),
      },
    );
  }

  ctx.log(`startup: ${rows.length} commands x ${runs} runs (+1 warm-up), interleaved`);
  const results = await measureCommands(rows, { runs, env, cwd: ctx.root, tmpDir: ctx.tmpDir, signal: ctx.signal });
  const byKey = Object.fromEntries(results.map((r) => [r.row.key, r]));
  const floor = byKey.floor;
  const med = (r) => (r?.ok ? r.wallStats.median : NaN);

  const tableRows = results.map((r) => {
    if (!r.ok) return { command: r.label, runs: '0', median: 'failed*' };
    const peer = r.row.peer ? byKey[r.row.peer] : undefined;
    return {
      command: r.label,
      runs: String(r.wallStats.n),
      median: fmtMs(r.wallStats.median),
      min: fmtMs(r.wallStats.min),
      p99: fmtMs(r.wallStats.p99),
      rss: fmtMiB(r.rssStats.median),
      floor: vsCell(r, floor, med, ''),
      official: r.row.peer ? vsCell(r, peer, med, missingOfficial ?? 'n/a') : '',
    };
  });

  const help = byKey.help;
  const offHelp = byKey['off-help'];
  const helpVsFloor = ratio(med(help), med(floor));
  const helpVsOfficial = ratio(med(help), med(offHelp));
  const withinFloor = (key, label, limit) => {
    const r = ratio(med(byKey[key]), med(floor));
    return {
      label: `${label} vs floor`,
      value: Number.isFinite(r) ? `${fmtMs(med(byKey[key]))} ms = ${r.toFixed(2)}x floor` : NA,
      target: `≤ ${limit}x floor`,
      pass: Number.isFinite(r) ? r <= limit : null,
    };
  };
  const checks = [
    withinFloor('version', '`e2b-ts --version`', 1.3),
    withinFloor('verb-help', '`e2b-ts sandbox ls --help`', 1.3),
    withinFloor('status', '`e2b-ts local status`', 1.3),
    {
      label: '`e2b-ts --help` vs floor',
      value: Number.isFinite(helpVsFloor) ? `${fmtMs(med(help))} ms = ${helpVsFloor.toFixed(2)}x floor` : NA,
      target: '≤ 2x floor',
      pass: Number.isFinite(helpVsFloor) ? helpVsFloor <= 2 : null,
    },
    {
      label: '`e2b-ts --help` vs official `e2b --help`',
      value: Number.isFinite(helpVsOfficial) ? `${helpVsOfficial.toFixed(2)}x official (${fmtMs(med(offHelp))} ms)` : NA,
      target: '≤ 0.5x official',
      pass: Number.isFinite(helpVsOfficial) ? helpVsOfficial <= 0.5 : null,
    },
  ];

  return [
    {
      title: 'Start-up (CLI)',
      description:
        `Wall time of the whole process (spawn to exit) and its peak RSS, ${runs} runs each after one warm-up, interleaved. ` +
        `Every command runs as \`node <script>\` under GNU time with the same environment; the lists see the same ${FIXTURES} running sandboxes ` +
        `on the same local backend (runtime: ${backend.runtime}).`,
      columns: [
        { key: 'command', label: 'command' },
        { key: 'runs', label: 'runs', align: 'right' },
        { key: 'median', label: 'median ms', align: 'right' },
        { key: 'min', label: 'min ms', align: 'right' },
        { key: 'p99', label: 'p99 ms', align: 'right' },
        { key: 'rss', label: 'peak RSS MiB', align: 'right' },
        { key: 'floor', label: 'vs floor', align: 'right' },
        { key: 'official', label: 'vs official', align: 'right' },
      ],
      rows: tableRows,
      checks,
      notes: [
        'p99 is nearest-rank: with fewer than 100 runs it is the slowest run.',
        "peak RSS is the median over runs of the process's max resident set size.",
        ...failures(results),
        ...(official ? [] : ['official CLI rows: n/a: @e2b/cli is not installed (npm install)']),
      ],
    },
  ];
}
