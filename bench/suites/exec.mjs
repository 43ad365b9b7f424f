/**
 * Running commands in a sandbox (issue #3), against one sandbox on the local backend:
 *
 * 1. CLI latency: `e2b-ts exec <id> -- true` (and `-- echo ok`, output checked) as a whole
 *    process, beside the official `e2b sandbox exec <id> true` and the floor, a local
 *    `sh -c true`. Target: at most half the official CLI's median.
 * 2. In-process round trip of `commands.run('true')`: our library vs the official SDK (`e2b`),
 *    200 interleaved runs each, p50/p99. Floors: an HTTP GET /health to envd through the daemon
 *    (the transport, no process started) and a local spawnSync('true') (starting a process).
 *    Target: our p50 no slower than the official SDK's.
 * 3. Streaming throughput: `e2b-ts exec <id> -- cat /dev/zero | head -c 1G | wc -c`, byte count
 *    checked, in MiB/s, with the CLI's peak RSS and the CPU the backend spent; beside the same
 *    pipeline run locally, the official CLI (256 MiB: it keeps all output in memory) and, in
 *    process, our library and the official SDK streaming 256 MiB.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cpuTracker } from '../lib/backend-cpu.mjs';
import { importOr, measureAsync, measureCommands, reasonOf } from '../lib/measure.mjs';
import { median, ratio } from '../lib/stats.mjs';
import { failures, fmtMiB, fmtMs, fmtRatio, NA, vsCell } from '../lib/table.mjs';

export const name = 'exec';
export const order = 30;
export const description = 'exec: CLI latency vs official CLI, commands.run round trip vs official SDK, streaming throughput';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const STREAM_BYTES = GiB;
/** The official CLI and SDK accumulate all output in memory: they stream less. */
const PEER_STREAM_BYTES = 256 * MiB;
/** A CLI run slower than this is called out in the notes (hangs would otherwise hide in p99). */
const SLOW_MS = 5_000;

// ---- helpers ----

const fmtS = (ms) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : NA);
const fmtCpu = (ms) => (Number.isFinite(ms) ? fmtMs(ms) : NA);
const fmtRate = (bytes, ms) => (Number.isFinite(ms) && ms > 0 ? (bytes / MiB / (ms / 1000)).toFixed(1) : NA);
const sizeLabel = (bytes) => (bytes >= GiB ? `${bytes / GiB} GiB` : `${bytes / MiB} MiB`);

/** Notes for rows with runs slower than SLOW_MS. */
function slowRuns(results) {
  return results
    .filter((r) => r.ok && r.wall.some((ms) => ms > SLOW_MS))
    .map((r) => {
      const slow = r.wall.filter((ms) => ms > SLOW_MS);
      return `${r.label}: ${slow.length} of ${r.wall.length} runs took over ${SLOW_MS / 1000} s (${slow.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')})`;
    });
}

const sandboxLabel = '<id>';

// ---- 1. CLI latency ----

async function cliLatency(ctx, { backend, env, id, cpu }) {
  const runs = ctx.runs(15);
  const { node, ours, official, officialVersion } = ctx.commands;
  const emptyOutput = (r) => (r.stdout === '' ? undefined : `unexpected output: ${JSON.stringify(r.stdout.slice(0, 60))}`);
  const printsOk = (r) => (r.stdout === 'ok\n' ? undefined : `expected "ok", got ${JSON.stringify(r.stdout.slice(0, 60))}`);
  const track = (key) => async () => cpu.take(key);
  // 2 minutes: a run that hangs for a while is recorded (and called out), not dropped.
  const timeoutMs = 120_000;
  const rows = [
    { key: 'floor', label: 'sh -c true (floor, local)', cmd: 'sh', args: ['-c', 'true'], after: track('floor') },
    { key: 'node', label: 'node -e 0 (node start-up)', cmd: node, args: ['-e', '0'], after: track('node') },
    { key: 'version', label: 'e2b-ts --version (CLI start-up)', cmd: ours[0], args: [...ours.slice(1), '--version'], after: track('version') },
    {
      key: 'true',
      label: `e2b-ts exec ${sandboxLabel} -- true`,
      cmd: ours[0],
      args: [...ours.slice(1), '--local', 'exec', id, '--', 'true'],
      check: emptyOutput,
      peer: 'off-true',
      after: track('true'),
    },
    {
      key: 'echo',
      label: `e2b-ts exec ${sandboxLabel} -- echo ok`,
      cmd: ours[0],
      args: [...ours.slice(1), '--local', 'exec', id, '--', 'echo', 'ok'],
      check: printsOk,
      peer: 'off-echo',
      after: track('echo'),
    },
    {
      key: 'nostdin',
      label: `e2b-ts exec --no-stdin ${sandboxLabel} -- true`,
      cmd: ours[0],
      args: [...ours.slice(1), '--local', 'exec', '--no-stdin', id, '--', 'true'],
      check: emptyOutput,
      peer: 'off-true',
      after: track('nostdin'),
    },
  ];
  if (official) {
    rows.push(
      {
        key: 'off-true',
        label: `e2b sandbox exec ${sandboxLabel} true (@e2b/cli ${officialVersion})`,
        cmd: official[0],
        args: [...official.slice(1), 'sandbox', 'exec', id, 'true'],
        check: emptyOutput,
        after: track('off-true'),
      },
      {
        key: 'off-echo',
        label: `e2b sandbox exec ${sandboxLabel} echo ok`,
        cmd: official[0],
        args: [...official.slice(1), 'sandbox', 'exec', id, 'echo', 'ok'],
        check: printsOk,
        after: track('off-echo'),
      },
    );
  }
  for (const r of rows) r.timeoutMs = timeoutMs;

  ctx.log(`exec: CLI latency, ${rows.length} commands x ${runs} runs (+1 warm-up), interleaved`);
  cpu.mark();
  const results = await measureCommands(rows, { runs, env, cwd: ctx.root, tmpDir: ctx.tmpDir, signal: ctx.signal });
  const by = Object.fromEntries(results.map((r) => [r.row.key, r]));
  const med = (r) => (r?.ok ? r.wallStats.median : NaN);

  const tableRows = results.map((r) => {
    if (!r.ok) return { command: r.label, runs: '0', median: 'failed*' };
    const peer = r.row.peer ? by[r.row.peer] : undefined;
    return {
      command: r.label,
      runs: String(r.wallStats.n),
      median: fmtMs(r.wallStats.median),
      min: fmtMs(r.wallStats.min),
      p99: fmtMs(r.wallStats.p99),
      cpu: fmtCpu(r.cpuStats.median),
      backend: cpu.available ? fmtCpu(cpu.median(r.row.key, 'daemon') + cpu.median(r.row.key, 'sandbox')) : NA,
      rss: fmtMiB(r.rssStats.median),
      floor: vsCell(r, by.floor, med, ''),
      official: r.row.peer ? vsCell(r, peer, med) : '',
    };
  });

  const vsOfficial = ratio(med(by.true), med(by['off-true']));
  const checks = [
    {
      label: '`e2b-ts exec <id> -- true` vs official `e2b sandbox exec <id> true`',
      value: Number.isFinite(vsOfficial)
        ? `${fmtMs(med(by.true))} ms = ${vsOfficial.toFixed(2)}x official (${fmtMs(med(by['off-true']))} ms)`
        : `${NA}${by['off-true'] ? `: official CLI ${by['off-true'].error ?? 'not measured'}` : ': @e2b/cli not installed'}`,
      target: '≤ 0.5x official',
      pass: Number.isFinite(vsOfficial) ? vsOfficial <= 0.5 : null,
    },
  ];

  return {
    title: 'exec latency (CLI, whole process)',
    description:
      `Wall time of the whole process (spawn to exit), ${runs} runs each after one warm-up, interleaved, all against the same running sandbox ` +
      `on the local backend (runtime: ${backend.runtime}); each run's exit code and output are checked. Every command runs under GNU time ` +
      'with the same environment (stdin is /dev/null). The official CLI finds envd through E2B_SANDBOX_URL (the daemon).',
    columns: [
      { key: 'command', label: 'command' },
      { key: 'runs', label: 'runs', align: 'right' },
      { key: 'median', label: 'median ms', align: 'right' },
      { key: 'min', label: 'min ms', align: 'right' },
      { key: 'p99', label: 'p99 ms', align: 'right' },
      { key: 'cpu', label: 'CPU ms', align: 'right' },
      { key: 'backend', label: 'backend CPU ms', align: 'right' },
      { key: 'rss', label: 'peak RSS MiB', align: 'right' },
      { key: 'floor', label: 'vs floor', align: 'right' },
      { key: 'official', label: 'vs official', align: 'right' },
    ],
    rows: tableRows,
    checks,
    notes: [
      'p99 is nearest-rank: with fewer than 100 runs it is the slowest run.',
      'CPU ms: user + system time of the command (GNU time, 10 ms resolution), median over runs. ' +
        'backend CPU ms: CPU the daemon, envd and the sandbox processes spent during the run (from /proc), median over runs.',
      '`node -e 0` and `e2b-ts --version` are references, not targets: the start-up cost every CLI run pays before it talks to the backend.',
      `\`--no-stdin\` row: with stdin not a terminal (here /dev/null) \`exec\` forwards it, which opens the process's stdin and sends CloseStdin; --no-stdin skips that.`,
      ...slowRuns(results),
      ...failures(results),
      ...(official ? [] : ['official CLI rows: n/a: @e2b/cli is not installed (npm install)']),
    ],
  };
}

// ---- 2. In-process commands.run round trip ----

async function roundTrip(ctx, { backend, conn, id }) {
  const runs = ctx.runs(200);
  const warmup = Math.min(10, runs);
  const ours = await importOr(pathToFileURL(join(ctx.root, 'dist', 'index.js')).href);
  const official = await importOr('e2b');

  const failing = (reason) => async () => {
    throw new Error(reason);
  };
  // One sandbox, one client object each, connected before measuring; `echo ok` proves the
  // output path before the `true` runs are timed.
  const connect = async (label, mod, importError) => {
    if (!mod) return { error: `cannot import: ${importError}` };
    try {
      const sbx = await mod.Sandbox.connect(id, { ...conn });
      const r = await sbx.commands.run('echo ok');
      if (r.exitCode !== 0 || r.stdout !== 'ok\n') return { error: `echo ok returned exit ${r.exitCode}, stdout ${JSON.stringify(r.stdout)}` };
      return { sbx };
    } catch (e) {
      return { error: `${label}: ${reasonOf(e)}` };
    }
  };
  const oursSbx = await connect('e2b-ts', ours.mod, ours.error);
  const offSbx = await connect('e2b', official.mod, official.error);
  const runTrue = (c) =>
    c.sbx
      ? async () => {
          const r = await c.sbx.commands.run('true');
          if (r.exitCode !== 0 || r.stdout !== '') throw new Error(`true returned exit ${r.exitCode}, stdout ${JSON.stringify(r.stdout)}`);
          return undefined;
        }
      : failing(c.error);

  const healthUrl = `${backend.url}/health`;
  const rows = [
    {
      key: 'health',
      label: 'fetch GET /health via the daemon (transport floor)',
      run: async () => {
        const res = await fetch(healthUrl, { headers: { 'E2b-Sandbox-Id': id } });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`GET /health: ${res.status}`);
      },
    },
    {
      key: 'spawn',
      label: "spawnSync('true') (process-spawn floor, local)",
      run: async () => {
        const r = spawnSync('true', [], { stdio: 'ignore' });
        if (r.status !== 0) throw new Error(`true: ${r.error?.message ?? `exit ${r.status}`}`);
      },
    },
    { key: 'ours', label: "e2b-ts commands.run('true')", peer: 'official', run: runTrue(oursSbx) },
    { key: 'official', label: "official SDK (e2b) commands.run('true')", run: runTrue(offSbx) },
  ];

  ctx.log(`exec: commands.run round trip, ${rows.length} rows x ${runs} runs (+${warmup} warm-up), interleaved`);
  const results = await measureAsync(rows, { runs, warmup, signal: ctx.signal });
  const by = Object.fromEntries(results.map((r) => [r.row.key, r]));
  const p50 = (r) => (r?.ok ? r.wallStats.p50 : NaN);
  const vsOfficial = ratio(p50(by.ours), p50(by.official));

  return {
    title: "commands.run('true') round trip (in-process)",
    description:
      `Time from the call to the finished result, ${runs} runs each after ${warmup} warm-up runs, interleaved, both clients connected to the same ` +
      `running sandbox on the local backend (runtime: ${backend.runtime}); every run checks exit code 0 and empty output.`,
    columns: [
      { key: 'client', label: 'call' },
      { key: 'runs', label: 'runs', align: 'right' },
      { key: 'p50', label: 'p50 ms', align: 'right' },
      { key: 'p99', label: 'p99 ms', align: 'right' },
      { key: 'min', label: 'min ms', align: 'right' },
      { key: 'mean', label: 'mean ms', align: 'right' },
      { key: 'floor', label: 'vs transport floor', align: 'right' },
      { key: 'official', label: 'vs official', align: 'right' },
    ],
    rows: results.map((r) => {
      if (!r.ok) return { client: r.label, runs: '0', p50: 'failed*' };
      const peer = r.row.peer ? by[r.row.peer] : undefined;
      return {
        client: r.label,
        runs: String(r.wallStats.n),
        p50: fmtMs(r.wallStats.p50),
        p99: fmtMs(r.wallStats.p99),
        min: fmtMs(r.wallStats.min),
        mean: fmtMs(r.wallStats.mean),
        floor: vsCell(r, by.health, p50, ''),
        official: r.row.peer ? vsCell(r, peer, p50) : '',
      };
    }),
    checks: [
      {
        label: "library `commands.run('true')` p50 vs official SDK",
        value: Number.isFinite(vsOfficial) ? `${fmtMs(p50(by.ours))} ms = ${vsOfficial.toFixed(2)}x official (${fmtMs(p50(by.official))} ms)` : NA,
        target: '≤ 1.00x official',
        pass: Number.isFinite(vsOfficial) ? vsOfficial <= 1 : null,
      },
    ],
    notes: [
      "transport floor: one HTTP request to envd through the daemon (the daemon's proxy and envd's HTTP server, no process started). " +
        "process-spawn floor: starting and reaping `true` on this machine, outside any sandbox (the sandbox's envd also starts a login shell).",
      'p99 is nearest-rank.',
      ...failures(results),
    ],
  };
}

// ---- 3. Streaming throughput ----

async function streaming(ctx, { backend, env, conn, id, cpu }) {
  const runs = ctx.runs(3);
  const { ours, official } = ctx.commands;
  const oursLib = await importOr(pathToFileURL(join(ctx.root, 'dist', 'index.js')).href);
  const officialLib = await importOr('e2b');

  // A client that kills whatever a CLI run left running in its sandbox (not timed): a source
  // left running would keep envd busy and slow every later row. The official CLI gets a
  // sandbox of its own so it cannot disturb ours.
  const officialId = official ? await backend.createSandbox({ timeout: 3600, metadata: { bench: 'exec-official' } }) : undefined;
  if (officialId) ctx.defer(() => backend.killSandbox(officialId));
  const inspector = oursLib.mod ? oursLib.mod.Sandbox : undefined;
  const leftover = new Map();
  const sweep = (key, sandboxId) => async () => {
    if (!inspector) return;
    const sbx = await inspector.connect(sandboxId, { ...conn });
    const procs = await sbx.commands.list();
    if (!leftover.has(key)) leftover.set(key, []);
    leftover.get(key).push(procs.length);
    for (const p of procs) await sbx.commands.kill(p.pid);
    // Let envd notice the ends before the next run.
    if (procs.length) await new Promise((r) => setTimeout(r, 200));
  };
  const q = (s) => `'${String(s).replace(/'/g, "'\\''")}'`;
  const cmdLine = (argv) => argv.map(q).join(' ');
  // `wc -c` counts what came through; PIPESTATUS tells how the source side ended.
  const pipeline = (source, bytes) => `${source} | head -c ${bytes} | wc -c; echo "pipestatus \${PIPESTATUS[*]}" >&2`;
  const exits = new Map();
  const counts = (key, bytes, okSourceExits) => (r) => {
    const got = r.stdout.trim();
    const status = r.stderr.match(/pipestatus (\d+)/)?.[1];
    const crashed = /\bEPIPE\b/.test(r.stderr) && status !== '141' ? ' (unhandled EPIPE)' : '';
    if (!exits.has(key)) exits.set(key, new Set());
    exits.get(key).add(`${status ?? '?'}${crashed}`);
    if (got !== String(bytes)) return `wc -c counted ${got || 'nothing'}, expected ${bytes}: ${r.stderr.trim().split('\n')[0] ?? ''}`;
    if (okSourceExits && !okSourceExits.includes(status)) return `source exited ${status}: ${r.stderr.trim().split('\n')[0] ?? ''}`;
    return undefined;
  };
  const track = (key, sandboxId) => async () => {
    cpu.take(key);
    if (sandboxId) await sweep(key, sandboxId)();
  };
  const rows = [
    {
      key: 'floor',
      label: `cat /dev/zero | head -c ${sizeLabel(STREAM_BYTES)} | wc -c (floor, local)`,
      bytes: STREAM_BYTES,
      cmd: 'bash',
      args: ['-c', pipeline('cat /dev/zero', STREAM_BYTES)],
      check: counts('floor', STREAM_BYTES, ['0', '141']),
      after: track('s-floor'),
    },
    {
      key: 'ours',
      label: `e2b-ts exec ${sandboxLabel} -- cat /dev/zero | head -c ${sizeLabel(STREAM_BYTES)} | wc -c`,
      bytes: STREAM_BYTES,
      cmd: 'bash',
      args: ['-c', pipeline(cmdLine([...ours, '--local', 'exec', id, '--', 'cat', '/dev/zero']), STREAM_BYTES)],
      // 141: the CLI's documented status when its stdout closes early (head is done).
      check: counts('ours', STREAM_BYTES, ['0', '141']),
      after: track('s-ours', id),
    },
  ];
  // --json of 200 MiB: the output is bounded (16 MiB per stream, then marked truncated), memory
  // stays flat and the remote exit code (7) still arrives as the CLI's own.
  const JSON_BYTES = 200 * MiB;
  rows.push({
    key: 'json',
    label: `e2b-ts exec --json ${sandboxLabel} -- sh -c 'head -c 200M /dev/zero; exit 7' | wc -c`,
    bytes: JSON_BYTES,
    cmd: 'bash',
    args: [
      '-c',
      `${cmdLine([...ours, '--local', 'exec', '--json', id, '--', 'sh', '-c', `head -c ${JSON_BYTES} /dev/zero; exit 7`])} | wc -c; echo "pipestatus \${PIPESTATUS[*]}" >&2`,
    ],
    check: (r) => {
      const status = r.stderr.match(/pipestatus (\d+)/)?.[1];
      if (!exits.has('json')) exits.set('json', new Set());
      exits.get('json').add(status ?? '?');
      if (status !== '7') return `the CLI exited ${status}, not the remote 7: ${r.stderr.trim().split('\n')[0] ?? ''}`;
      const size = Number(r.stdout.trim());
      if (!(size > 0 && size < 120 * MiB)) return `--json printed ${size} bytes: not bounded`;
      return undefined;
    },
    after: track('s-json', id),
  });
  if (official) {
    rows.push({
      key: 'official',
      label: `e2b sandbox exec ${sandboxLabel} cat /dev/zero | head -c ${sizeLabel(PEER_STREAM_BYTES)} | wc -c`,
      bytes: PEER_STREAM_BYTES,
      cmd: 'bash',
      args: ['-c', pipeline(cmdLine([...official, 'sandbox', 'exec', officialId, 'cat', '/dev/zero']), PEER_STREAM_BYTES)],
      // Its exit status is reported, not required: it dies of EPIPE once head has its bytes.
      check: counts('official', PEER_STREAM_BYTES),
      after: track('s-official', officialId),
    });
  }
  for (const r of rows) r.timeoutMs = 600_000;

  ctx.log(`exec: streaming, ${rows.length} pipelines x ${runs} runs, interleaved (no warm-up; ${sizeLabel(STREAM_BYTES)} each for e2b-ts)`);
  cpu.mark();
  const cliRes = await measureCommands(rows, { runs, warmup: 0, env, cwd: ctx.root, tmpDir: ctx.tmpDir, signal: ctx.signal });

  // In process: the same bytes through each library, the pipeline inside the sandbox.
  const remote = `cat /dev/zero | head -c ${PEER_STREAM_BYTES}`;
  const sampler = () => {
    const base = process.memoryUsage.rss();
    let peak = base;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 10);
    return () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss()) - base;
    };
  };
  const growth = new Map();
  const chunks = new Map();
  const record = (key, grew, nChunks) => {
    if (!growth.has(key)) growth.set(key, []);
    growth.get(key).push(grew);
    if (nChunks !== undefined) {
      if (!chunks.has(key)) chunks.set(key, []);
      chunks.get(key).push(nChunks);
    }
  };
  const clientCpu = new Map();
  const libRow = (key, label, lib, client) => ({
    key,
    label,
    bytes: PEER_STREAM_BYTES,
    run: client
      ? async () => {
          const stop = sampler();
          const cpu0 = process.cpuUsage();
          const r = await client(lib.mod);
          const used = process.cpuUsage(cpu0);
          const grew = stop();
          if (r.bytes !== PEER_STREAM_BYTES) throw new Error(`received ${r.bytes} bytes, expected ${PEER_STREAM_BYTES}`);
          if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}`);
          record(key, grew, r.chunks);
          if (!clientCpu.has(key)) clientCpu.set(key, []);
          clientCpu.get(key).push((used.user + used.system) / 1000);
          return key;
        }
      : async () => {
          throw new Error(`cannot import: ${lib.error}`);
        },
    // Not timed: the backend's CPU for this run.
    after: async (k) => cpu.take(k),
  });
  let oursSbx;
  let offSbx;
  if (oursLib.mod) oursSbx = await oursLib.mod.Sandbox.connect(id, { ...conn });
  if (officialLib.mod) offSbx = await officialLib.mod.Sandbox.connect(id, { ...conn });
  const libRows = [
    libRow(
      'lib-ours',
      `e2b-ts commands.run(…, { onOutput, collect: false }), ${sizeLabel(PEER_STREAM_BYTES)}`,
      oursLib,
      oursLib.mod &&
        (async () => {
          let bytes = 0;
          let n = 0;
          const r = await oursSbx.commands.run(remote, {
            collect: false,
            timeoutMs: 0,
            onOutput: (stream, data) => {
              if (stream === 'stdout') {
                bytes += data.length;
                n++;
              }
            },
          });
          return { bytes, chunks: n, exitCode: r.exitCode };
        }),
    ),
    libRow(
      'lib-official',
      `official SDK commands.run(…, { onStdout }), ${sizeLabel(PEER_STREAM_BYTES)}`,
      officialLib,
      officialLib.mod &&
        (async () => {
          let bytes = 0;
          let n = 0;
          // onStdout gets decoded strings; NUL bytes are one UTF-16 unit each.
          const r = await offSbx.commands.run(remote, {
            timeoutMs: 0,
            onStdout: (data) => {
              bytes += data.length;
              n++;
            },
          });
          return { bytes, chunks: n, exitCode: r.exitCode };
        }),
    ),
  ];
  ctx.log(`exec: streaming in process, ${libRows.length} clients x ${runs} runs of ${sizeLabel(PEER_STREAM_BYTES)}`);
  cpu.mark();
  const libRes = await measureAsync(libRows, { runs, warmup: 0, signal: ctx.signal });

  const floorRate = (() => {
    const f = cliRes.find((r) => r.row.key === 'floor');
    return f?.ok ? STREAM_BYTES / f.wallStats.median : NaN;
  })();
  const cpuKey = { floor: 's-floor', ours: 's-ours', json: 's-json', official: 's-official' };
  const tableRows = [
    ...cliRes.map((r) => {
      if (!r.ok) return { command: r.label, runs: '0', seconds: 'failed*' };
      const rate = r.row.bytes / r.wallStats.median;
      const k = cpuKey[r.row.key];
      return {
        command: r.label,
        runs: String(r.wallStats.n),
        seconds: fmtS(r.wallStats.median),
        rate: fmtRate(r.row.bytes, r.wallStats.median),
        rss: fmtMiB(r.rssStats.median),
        cpu: fmtS(r.cpuStats.median),
        daemon: cpu.available ? fmtS(cpu.median(k, 'daemon')) : NA,
        sandbox: cpu.available ? fmtS(cpu.median(k, 'sandbox')) : NA,
        chunk: '',
        exit: [...(exits.get(r.row.key) ?? [])].join(', '),
        left: leftover.has(k) ? String(Math.max(...leftover.get(k))) : '',
        floor: r.row.key === 'floor' ? '1.00x' : fmtRatio(ratio(floorRate, rate)),
      };
    }),
    ...libRes.map((r) => {
      if (!r.ok) return { command: r.label, runs: '0', seconds: 'failed*' };
      const rate = r.row.bytes / r.wallStats.median;
      const nChunks = chunks.get(r.row.key);
      return {
        command: r.label,
        runs: String(r.wallStats.n),
        seconds: fmtS(r.wallStats.median),
        rate: fmtRate(r.row.bytes, r.wallStats.median),
        rss: growth.has(r.row.key) ? `+${(median(growth.get(r.row.key)) / MiB).toFixed(1)}` : NA,
        cpu: clientCpu.has(r.row.key) ? fmtS(median(clientCpu.get(r.row.key))) : NA,
        daemon: cpu.available ? fmtS(cpu.median(r.row.key, 'daemon')) : NA,
        sandbox: cpu.available ? fmtS(cpu.median(r.row.key, 'sandbox')) : NA,
        chunk: nChunks ? `${(r.row.bytes / median(nChunks) / 1024).toFixed(1)} KiB` : '',
        exit: '',
        floor: fmtRatio(ratio(floorRate, rate)),
      };
    }),
  ];

  return {
    title: 'exec streaming throughput',
    description:
      `Wall time to move the bytes (MiB/s = MiB / median seconds, 1 MiB = 2^20 bytes), ${runs} runs each, interleaved, no warm-up, ` +
      `on the local backend (runtime: ${backend.runtime}); the official CLI streams from a sandbox of its own, the other rows share one. CLI rows run as \`bash -c '… | head -c N | wc -c'\` under GNU time and check that wc counts N bytes; ` +
      'the in-process rows run `cat /dev/zero | head -c N` inside the sandbox and count the bytes handed to the callback.',
    columns: [
      { key: 'command', label: 'command' },
      { key: 'runs', label: 'runs', align: 'right' },
      { key: 'seconds', label: 'median s', align: 'right' },
      { key: 'rate', label: 'MiB/s', align: 'right' },
      { key: 'rss', label: 'peak RSS MiB', align: 'right' },
      { key: 'cpu', label: 'client CPU s', align: 'right' },
      { key: 'daemon', label: 'daemon CPU s', align: 'right' },
      { key: 'sandbox', label: 'envd+sandbox CPU s', align: 'right' },
      { key: 'chunk', label: 'avg chunk', align: 'right' },
      { key: 'exit', label: 'source exit', align: 'right' },
      { key: 'left', label: 'left running', align: 'right' },
      { key: 'floor', label: 'time/byte vs floor', align: 'right' },
    ],
    rows: tableRows,
    notes: [
      'peak RSS of a CLI row: the largest process of the pipeline (GNU time reports the maximum over the waited-for tree), i.e. the CLI. ' +
        "For in-process rows: the growth of this process's RSS during the call (sampled every 10 ms).",
      'client CPU s: user + system time of the whole local pipeline (CLI, head, wc) for CLI rows (GNU time), of this process for in-process rows. ' +
        "daemon / envd+sandbox CPU s: the backend's share during the run, from /proc (envd+sandbox: the envd processes under the daemon and the commands they ran).",
      `The official CLI and SDK rows stream ${sizeLabel(PEER_STREAM_BYTES)}, not ${sizeLabel(STREAM_BYTES)}: both keep all output in memory ` +
        "(the CLI's RSS grows with it), so compare MiB/s, not seconds.",
      "source exit: the first command's exit status in the pipeline (PIPESTATUS): 141 = stopped by SIGPIPE/EPIPE after head had its bytes, as `cat` does. " +
        "The --json row's source is the CLI itself: it must exit 7, the remote command's code, with the JSON document bounded (checked: under 120 MiB printed).",
      'time/byte vs floor: how many times slower per byte than the local pipeline.',
      'left running: processes still running in the sandbox after a CLI run (most over the runs); they are killed before the next run, ' +
        'outside the timing. The official CLI streams into a sandbox of its own for that reason.',
      ...failures(cliRes),
      ...failures(libRes),
      ...(official ? [] : ['official CLI row: n/a: @e2b/cli is not installed (npm install)']),
    ],
  };
}

export async function run(ctx) {
  const backend = await ctx.backend();
  const env = await ctx.cliEnv();
  const conn = await ctx.connection();
  const id = await backend.createSandbox({ timeout: 3600, metadata: { bench: 'exec' } });
  ctx.defer(() => backend.killSandbox(id));
  const cpu = cpuTracker(backend.pid);

  const tables = [];
  tables.push(await cliLatency(ctx, { backend, env, id, cpu }));
  tables.push(await roundTrip(ctx, { backend, conn, id }));
  tables.push(await streaming(ctx, { backend, env, conn, id, cpu }));
  return tables;
}
