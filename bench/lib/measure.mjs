/**
 * Measuring things over N runs.
 *
 * measureCommands: wall time and peak RSS of child processes. Wall time is taken here with
 * process.hrtime around a synchronous spawn; peak RSS (max resident set size, KiB) comes from GNU
 * time (`/usr/bin/time -f %M`, Debian package `time`) wrapped around the command. The wrapper
 * costs ~1 ms of fork+exec and is applied to every row, the floor included, so ratios stay
 * fair. Without GNU time only wall time is measured (RSS shows n/a).
 *
 * GNU time also gives the CPU time (user + system) of the command and its waited-for children.
 *
 * measureAsync: wall time of an async function in this process (API-level benchmarks).
 *
 * Both interleave the rows (A B C A B C ...) after one warm-up run of each, so drift of the
 * machine (frequency scaling, other load) spreads over all rows instead of skewing one.
 * A row whose warm-up or any run fails is reported as failed with the reason and not run again.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { summarize } from './stats.mjs';

const GNU_TIME = '/usr/bin/time';
let gnuTimeCache;

/** Path of GNU time when it works here, else null. */
export function gnuTime(tmpDir) {
  if (gnuTimeCache !== undefined) return gnuTimeCache;
  gnuTimeCache = null;
  if (existsSync(GNU_TIME)) {
    const out = join(tmpDir, 'gnu-time-probe');
    const r = spawnSync(GNU_TIME, ['-f', '%M', '-o', out, process.execPath, '-e', '0'], { stdio: 'ignore' });
    try {
      if (r.status === 0 && /^\d+$/.test(readFileSync(out, 'utf8').trim().split('\n').pop())) gnuTimeCache = GNU_TIME;
    } catch {
      // no output: not GNU time
    }
    rmSync(out, { force: true });
  }
  return gnuTimeCache;
}

function firstLine(text) {
  const line = String(text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean);
  return line ? (line.length > 160 ? `${line.slice(0, 157)}...` : line) : '';
}

/** The most telling line of a failed command's output: an error line if any, else the first. */
function errorLine(text) {
  const lines = String(text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const line = lines.find((l) => /^(\w*Error\b|Error \[|error:)/i.test(l) || /\berror:/i.test(l)) ?? lines[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/** Short reason a result is not usable, from an Error or anything thrown. */
/** Imports a module: `{ mod }`, or `{ error }` (a reason) when it cannot be loaded. */
export async function importOr(specifier) {
  try {
    return { mod: await import(specifier) };
  } catch (e) {
    return { error: reasonOf(e) };
  }
}

export function reasonOf(error) {
  const text = error instanceof Error ? error.message : String(error);
  return firstLine(text) || 'failed';
}

/**
 * Lets the event loop turn (signal handlers, timers) between runs, and stops when the run is
 * being aborted (Ctrl-C): spawnSync and in-process awaits alone would starve the loop.
 */
async function between(signal) {
  await new Promise((resolve) => setImmediate(resolve));
  if (signal?.aborted) throw new Error('aborted');
}

function newResult(row) {
  return { label: row.label, row, ok: true, error: undefined, wall: [], rss: [], cpu: [] };
}

function finish(results) {
  for (const r of results) {
    r.wallStats = summarize(r.wall);
    r.rssStats = summarize(r.rss);
    r.cpuStats = summarize(r.cpu);
  }
  return results;
}

/**
 * Runs one command once: { wallMs, rssKiB, cpuMs, status, stdout, stderr }.
 * cmd is an executable path, args its arguments. cpuMs is user + system time (GNU time, 10 ms
 * resolution), NaN without GNU time.
 */
export function runOnce(cmd, args, { env, cwd, tmpDir, timeoutMs = 60_000 }) {
  const time = gnuTime(tmpDir);
  const outFile = join(tmpDir, 'gnu-time.out');
  const [file, argv] = time ? [time, ['-f', '%M %U %S', '-o', outFile, cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(file, argv, {
    env,
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: timeoutMs,
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  let rssKiB = NaN;
  let cpuMs = NaN;
  if (time) {
    try {
      // GNU time writes "Command exited with non-zero status N" before the format line.
      const [m, u, sys] = readFileSync(outFile, 'utf8').trim().split('\n').pop().trim().split(/\s+/).map(Number);
      rssKiB = m;
      cpuMs = (u + sys) * 1000;
    } catch {
      // killed before writing
    }
    rmSync(outFile, { force: true });
  }
  return { wallMs, rssKiB, cpuMs, status: r.status, signal: r.signal, error: r.error, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/**
 * rows: [{ label, cmd, args, env?, timeoutMs?, check?(run) => error string | undefined, after?(run) => Promise }]
 * `after` runs outside the timed part (e.g. to kill the sandbox a command created).
 * A run that exceeds its timeout (row.timeoutMs, else opts.timeoutMs, else 60 s) is killed and
 * fails the row.
 * opts: { runs, warmup = 1, env, cwd, tmpDir, signal, timeoutMs? }
 */
export async function measureCommands(rows, opts) {
  const { runs, warmup = 1 } = opts;
  const results = rows.map(newResult);
  const once = async (res) => {
    await between(opts.signal);
    const { row } = res;
    const timeoutMs = row.timeoutMs ?? opts.timeoutMs;
    const run = runOnce(row.cmd, row.args, { env: row.env ?? opts.env, cwd: opts.cwd, tmpDir: opts.tmpDir, ...(timeoutMs ? { timeoutMs } : {}) });
    let error;
    if (run.error) error = reasonOf(run.error);
    else if (run.signal) error = `killed by ${run.signal}`;
    else if (run.status !== 0) error = `exit ${run.status}: ${errorLine(run.stderr) || errorLine(run.stdout)}`;
    else if (row.check) error = row.check(run);
    if (row.after) {
      try {
        await row.after(run);
      } catch (e) {
        error ??= `cleanup after run failed: ${reasonOf(e)}`;
      }
    }
    if (error) {
      res.ok = false;
      res.error = error;
    }
    return run;
  };
  for (let i = 0; i < warmup; i++) for (const res of results) if (res.ok) await once(res);
  for (let i = 0; i < runs; i++) {
    for (const res of results) {
      if (!res.ok) continue;
      const run = await once(res);
      if (!res.ok) continue;
      res.wall.push(run.wallMs);
      if (Number.isFinite(run.rssKiB)) res.rss.push(run.rssKiB);
      if (Number.isFinite(run.cpuMs)) res.cpu.push(run.cpuMs);
    }
  }
  return finish(results);
}

/**
 * rows: [{ label, run: () => Promise<value>, after?: (value) => Promise }]
 * Only `run` is timed; `after` (cleanup) is not.
 * opts: { runs, warmup = 1, signal }
 */
export async function measureAsync(rows, opts) {
  const { runs, warmup = 1 } = opts;
  const results = rows.map(newResult);
  const once = async (res) => {
    await between(opts.signal);
    let value;
    let ms = NaN;
    try {
      const t0 = process.hrtime.bigint();
      value = await res.row.run();
      ms = Number(process.hrtime.bigint() - t0) / 1e6;
    } catch (e) {
      res.ok = false;
      res.error = reasonOf(e);
    }
    if (res.row.after && value !== undefined) {
      try {
        await res.row.after(value);
      } catch (e) {
        if (res.ok) {
          res.ok = false;
          res.error = `cleanup after run failed: ${reasonOf(e)}`;
        }
      }
    }
    return ms;
  };
  for (let i = 0; i < warmup; i++) for (const res of results) if (res.ok) await once(res);
  for (let i = 0; i < runs; i++) {
    for (const res of results) {
      if (!res.ok) continue;
      const ms = await once(res);
      if (res.ok) res.wall.push(ms);
    }
  }
  return finish(results);
}
