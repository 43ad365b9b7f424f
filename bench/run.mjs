#!/usr/bin/env node
/**
 * Benchmark runner: `npm run bench` (builds first) or
 *
 *   node bench/run.mjs [suite...] [--runs N] [--no-write]
 *
 * Runs every bench/suites/*.mjs (or the named ones), each exporting `name` and
 * `async run(ctx)` returning result tables (see lib/table.mjs, lib/context.mjs), prints the
 * tables, and appends them as a dated section to bench/RESULTS.md unless --no-write.
 * Exit code: 0 when every suite ran (missed targets are reported, not failures), 1 when a suite
 * threw, 2 for bad arguments.
 */
import { readdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createContext } from './lib/context.mjs';
import { gnuTime } from './lib/measure.mjs';
import { appendResults, describeMachine, gitCommit, machineInfo, renderRun } from './lib/results.mjs';
import { renderText } from './lib/table.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(benchDir);
const resultsPath = join(benchDir, 'RESULTS.md');

function usage(message) {
  if (message) process.stderr.write(`${message}\n`);
  process.stderr.write('usage: node bench/run.mjs [suite...] [--runs N] [--no-write]\n');
  process.exit(message ? 2 : 0);
}

function parseArgs(argv) {
  const opts = { suites: [], runs: undefined, write: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') usage();
    else if (a === '--no-write') opts.write = false;
    else if (a === '--runs' || a.startsWith('--runs=')) {
      const v = a.includes('=') ? a.slice(7) : argv[++i];
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) usage(`--runs needs a positive integer, got ${v}`);
      opts.runs = n;
    } else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else opts.suites.push(a);
  }
  return opts;
}

async function loadSuites(selected) {
  const dir = join(benchDir, 'suites');
  const files = readdirSync(dir).filter((f) => f.endsWith('.mjs'));
  const suites = [];
  for (const f of files) {
    const mod = await import(pathToFileURL(join(dir, f)).href);
    if (typeof mod.run !== 'function') throw new Error(`bench/suites/${f} exports no run(ctx)`);
    suites.push({ file: f, name: mod.name ?? f.replace(/\.mjs$/, ''), order: mod.order ?? 100, description: mod.description, run: mod.run });
  }
  suites.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  if (selected.length === 0) return suites;
  const unknown = selected.filter((s) => !suites.some((x) => x.name === s || x.file === s || x.file === `${s}.mjs`));
  if (unknown.length) usage(`unknown suite(s): ${unknown.join(', ')}; available: ${suites.map((s) => s.name).join(', ')}`);
  return suites.filter((x) => selected.some((s) => x.name === s || x.file === s || x.file === `${s}.mjs`));
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const suites = await loadSuites(opts.suites);
  const ctx = createContext({ root, runsOverride: opts.runs });

  let cleaning;
  let interrupted = false;
  const cleanup = () => (cleaning ??= ctx.cleanup());
  const onSignal = (sig) => {
    interrupted = true;
    process.stderr.write(`\n${sig}: cleaning up ...\n`);
    cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', () => ctx.cleanupSync());

  const date = new Date();
  const machine = machineInfo();
  const commit = gitCommit(root);
  const time = gnuTime(ctx.tmpDir);
  // Other load skews everything; the load average at the start says how quiet the machine was.
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  process.stdout.write(`e2b-ts benchmarks, ${date.toISOString()}\nmachine: ${describeMachine(machine)}\ncommit: ${commit}\nload average at start: ${load}\n`);
  const busy = loadavg()[0] > availableParallelism();
  const busyNote = `load average ${loadavg()[0].toFixed(2)} exceeds the ${availableParallelism()} cores: other work is running, numbers are noisy`;
  if (busy) process.stdout.write(`warning: ${busyNote}\n`);
  if (!time) process.stdout.write('warning: GNU time (/usr/bin/time, Debian package `time`) not found: peak RSS is not measured\n');
  process.stdout.write('\n');

  const tables = [];
  const errors = [];
  try {
    for (const suite of suites) {
      if (ctx.signal.aborted) break;
      ctx.log(`--- suite ${suite.name} ---`);
      try {
        const out = await suite.run(ctx);
        for (const t of out) {
          tables.push(t);
          process.stdout.write(`${renderText(t)}\n\n`);
        }
      } catch (e) {
        if (ctx.signal.aborted) break;
        const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
        errors.push({ suite: suite.name, message: (e instanceof Error ? e.message : String(e)).split('\n')[0] });
        process.stdout.write(`suite ${suite.name} FAILED: ${message}\n\n`);
      }
    }
  } finally {
    const runtime = ctx.startedBackend()?.runtime;
    for (const p of await cleanup()) process.stderr.write(`warning: ${p}\n`);
    if (opts.write && !interrupted && (tables.length || errors.length)) {
      const settings = {
        suites: suites.map((s) => s.name).join(', '),
        'load average at start (1/5/15 min)': load,
        'peak RSS': time ? 'GNU time (`/usr/bin/time -f %M`)' : 'not measured (GNU time missing)',
      };
      if (opts.runs) settings.runs = `${opts.runs} (--runs)`;
      if (runtime) settings['local backend runtime'] = runtime;
      if (busy) settings.warning = busyNote;
      appendResults(resultsPath, renderRun({ date, machine, commit, settings, tables, errors }));
      process.stdout.write(`appended to ${resultsPath}\n`);
    }
  }
  return errors.length ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
