/**
 * Where a run happened (machine, commit) and appending its tables to bench/RESULTS.md.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { renderMarkdown } from './table.mjs';

function read(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function cpuModel() {
  const info = read('/proc/cpuinfo');
  for (const key of ['model name', 'Hardware', 'Processor', 'cpu model']) {
    const m = info.match(new RegExp(`^${key}\\s*:\\s*(.+)$`, 'm'));
    if (m) return m[1].trim();
  }
  return os.cpus()[0]?.model?.trim() || os.arch();
}

function osName() {
  const pretty = read('/etc/os-release').match(/^PRETTY_NAME="?([^"\n]*)"?$/m)?.[1];
  return `${pretty ? `${pretty}, ` : ''}${os.type()} ${os.release()} ${os.arch()}`;
}

/** { cpu, cores, ramGiB, os, node } */
export function machineInfo() {
  return {
    cpu: cpuModel(),
    cores: os.availableParallelism?.() ?? os.cpus().length,
    ramGiB: os.totalmem() / 1024 ** 3,
    os: osName(),
    node: process.version,
  };
}

export function describeMachine(m) {
  return `${m.cpu}, ${m.cores} cores, ${m.ramGiB.toFixed(1)} GiB RAM; ${m.os}; node ${m.node}`;
}

/**
 * `git rev-parse --short HEAD`, plus `-dirty` when tracked or untracked files differ from HEAD
 * (RESULTS.md itself excepted, or every run after the first would count as dirty).
 * Read-only: GIT_OPTIONAL_LOCKS=0 keeps git status from refreshing the index.
 */
export function gitCommit(root) {
  const git = (...args) =>
    execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }).trim();
  try {
    const head = git('rev-parse', '--short', 'HEAD');
    const status = git('status', '--porcelain', '--', '.', ':(exclude)bench/RESULTS.md');
    return status ? `${head}-dirty` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

const HEADER = `# Benchmark results

Appended by \`npm run bench\` (\`node bench/run.mjs\`; see bench/README.md), one dated section per
run, newest last. Each table compares e2b-ts with the official E2B CLI/SDK doing the same work
against the same local backend in the same run, and with the physical floor. Times are
milliseconds of wall time; peak RSS is the child process's max resident set size (GNU time).
Numbers from different machines are not comparable; ratios within one run are.

`;

/** Markdown of one run: heading, machine, commit, settings, then every table. */
export function renderRun({ date, machine, commit, settings, tables, errors }) {
  const out = [
    `## ${date
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, ' UTC')} — ${commit}`,
    '',
    `- machine: ${describeMachine(machine)}`,
    `- commit: \`${commit}\``,
  ];
  for (const [k, v] of Object.entries(settings)) out.push(`- ${k}: ${v}`);
  out.push('');
  for (const t of tables) out.push(renderMarkdown(t));
  for (const e of errors) out.push(`- **suite ${e.suite} failed**: ${e.message}`, '');
  return out.join('\n');
}

export function appendResults(path, markdown) {
  if (!existsSync(path) || read(path).trim() === '') writeFileSync(path, HEADER);
  const current = read(path);
  appendFileSync(path, `${current.endsWith('\n\n') ? '' : current.endsWith('\n') ? '\n' : '\n\n'}${markdown.trimEnd()}\n`);
}
