/**
 * The `ps` process-tree backend: what macOS offers in place of /proc, and what Linux offers too
 * (procps), so it runs and is tested here. The listing keeps to what procps and BSD/macOS `ps`
 * both take: `-A`, one `-o KEYWORD=` per column (an empty header each, so no header line), and
 * the keywords `pid ppid stat rss time lstart`. Their output differs only where parsed
 * below: `time` is `[DD-]HH:MM:SS` (procps) or `MMM:SS.cc` (BSD), STAT has extra flag letters.
 * `LC_ALL=C` keeps `lstart` and decimal points in one form.
 *
 * Environments (the unisolated runtime's marker) are the one thing without a common option:
 * procps prints them after the command with the BSD-style `e`, macOS with `-E` (before it).
 * Either way the marker is found as a whole `NAME=value` word of the line.
 */
import { execFile } from 'node:child_process';
import type { ProcessEntry, ProcessIdentity, ProcessTree } from './process-tree-types.js';

/** Which `ps` it is: procps (Linux) or BSD (macOS, the BSDs). */
export type PsFlavour = 'procps' | 'bsd';

/** Every process: pid, parent, state, resident KiB, CPU time. */
export const PS_LIST_ARGS: readonly string[] = ['-A', '-o', 'pid=', '-o', 'ppid=', '-o', 'stat=', '-o', 'rss=', '-o', 'time='];

/** When one process started (`lstart`, a wall-clock time to the second). */
export function psStartArgs(pid: number): string[] {
  return ['-o', 'lstart=', '-p', String(pid)];
}

/** The processes of user `uid` with their command lines and environments, unlimited in width. */
export function psEnvArgs(flavour: PsFlavour, uid: number): string[] {
  return flavour === 'procps' ? ['-U', String(uid), '-ww', '-o', 'pid=', '-o', 'args=', 'e'] : ['-U', String(uid), '-ww', '-E', '-o', 'pid=', '-o', 'command='];
}

/** CPU time as `ps -o time` prints it (`1-02:03:04`, `02:03:04`, `3:04.56`, `123:04.56`), in seconds. */
export function parseCpuTime(text: string): number | undefined {
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(text.trim());
  if (!m) return undefined;
  const [, days, hours, minutes, seconds] = m;
  return Number(days ?? 0) * 86_400 + Number(hours ?? 0) * 3600 + Number(minutes) * 60 + Number(seconds);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A start time as `ps -o lstart` prints it in the C locale (`Sun Dec  6 06:08:01 2026`, local time), in seconds since the epoch. */
export function parseLstart(text: string): number | undefined {
  const m = /^[A-Z][a-z]{2}\s+([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(\d{4})$/.exec(text.trim());
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1]!);
  if (month < 0) return undefined;
  const ms = new Date(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])).getTime();
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

/** Parses the output of {@link PS_LIST_ARGS}; lines that do not parse (none, normally) are skipped. */
export function parsePsList(text: string): Map<number, ProcessEntry> {
  const out = new Map<number, ProcessEntry>();
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 5) continue;
    const [pidText, ppidText, stat, rssText, timeText] = fields as [string, string, string, string, string];
    const pid = Number(pidText);
    const ppid = Number(ppidText);
    const rssKiB = Number(rssText);
    const cpuSeconds = parseCpuTime(timeText);
    if (!Number.isSafeInteger(pid) || !Number.isSafeInteger(ppid) || !Number.isFinite(rssKiB) || cpuSeconds === undefined) continue;
    out.set(pid, { pid, ppid, state: stat.charAt(0), cpuSeconds, rssBytes: rssKiB * 1024 });
  }
  return out;
}

/** Pids of the lines of {@link psEnvArgs}' output that hold `NAME=value` as a word of their own. */
export function parsePsEnv(text: string, name: string, value: string): number[] {
  const word = `${name}=${value}`;
  const out: number[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s(.*)$/.exec(line);
    if (!m) continue;
    if (m[2]!.split(/\s+/).includes(word)) out.push(Number(m[1]));
  }
  return out;
}

/** Runs ps with `args`; resolves with its stdout (and exit code: 1 is "no such process" for `-p`). */
export type PsRunner = (args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;

/** Most output read from one `ps` (every process's environment, on a busy machine). */
const MAX_OUTPUT = 64 * 1024 * 1024;

/** `program` run for real, in the C locale. */
export function runPs(program = 'ps'): PsRunner {
  return (args) =>
    new Promise((resolve, reject) => {
      execFile(program, args, { env: { ...process.env, LC_ALL: 'C' }, maxBuffer: MAX_OUTPUT, encoding: 'utf8' }, (error, stdout, stderr) => {
        const code = (error as (NodeJS.ErrnoException & { code?: unknown }) | null)?.code;
        if (code === 'ENOENT') {
          reject(new Error(`\`${program}\` was not found: the local backend needs it to manage sandbox processes where /proc is unavailable`));
        } else if (error && typeof code !== 'number') {
          reject(error);
        } else {
          resolve({ code: typeof code === 'number' ? code : 0, stdout, stderr });
        }
      });
    });
}

/** Options of {@link createPsTree}. */
export interface PsTreeOptions {
  /** @default procps on Linux, BSD elsewhere (what each platform ships) */
  flavour?: PsFlavour;
  /** @default the real `ps` on PATH */
  run?: PsRunner;
  /** The user whose processes' environments are searched. @default this process's */
  uid?: number;
}

/** The `ps` backend: one `ps` per question (tens of milliseconds each). */
export function createPsTree(opts: PsTreeOptions = {}): ProcessTree {
  const flavour = opts.flavour ?? (process.platform === 'linux' ? 'procps' : 'bsd');
  const run = opts.run ?? runPs();
  const uid = opts.uid ?? process.getuid?.() ?? 0;
  const firstLine = (text: string) => text.trim().split('\n')[0] ?? '';
  return {
    name: 'ps',
    async list() {
      const r = await run([...PS_LIST_ARGS]);
      if (r.code !== 0) throw new Error(`ps failed (exit ${r.code}): ${firstLine(r.stderr) || 'no reason given'}`);
      return parsePsList(r.stdout);
    },
    async withEnv(name, value) {
      const r = await run(psEnvArgs(flavour, uid));
      // exit 1 with nothing printed: the user has no process ps may show
      if (r.code !== 0) return [];
      return parsePsEnv(r.stdout, name, value).filter((pid) => pid !== process.pid);
    },
    async identify(pid): Promise<ProcessIdentity | undefined> {
      const r = await run(psStartArgs(pid));
      const start = r.code === 0 ? parseLstart(r.stdout) : undefined;
      return start === undefined ? undefined : { pid, startTicks: start, bootId: 'ps-lstart' };
    },
  };
}
