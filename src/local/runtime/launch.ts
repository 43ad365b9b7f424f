/**
 * Starting envd and watching it, shared by every runtime: the config goes in on stdin, the
 * listening socket as fd 3 (see socket.ts), envd prints READY on stdout once it accepts
 * connections, and its stderr is its log. What the runtime's wrapper (bubblewrap) prints before
 * envd is up is kept, so a sandbox that cannot start says why.
 */
import { spawn, type StdioOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { packageRoot } from '../../version.js';
import type { EnvdConfig } from '../envd/config.js';
import type { SandboxCgroup } from './cgroup.js';
import { killTree, killWithEnv, processTree, type ProcessTree } from './process-tree.js';
import { ENVD_LISTEN_FD, type EnvdListener } from './socket.js';
import type { SandboxExit, SandboxProcess } from './types.js';

/** How long envd may take to start before the sandbox counts as failed. */
const READY_TIMEOUT_MS = 15_000;
/** Lines of start-up output quoted when a sandbox fails to start. */
const STARTUP_LINES = 6;
/** The descriptor a wrapper reads its arguments from (bubblewrap's `--args 4`). */
export const ARGS_FD = 4;
/** Where bubblewrap reports its sandbox's pid once the namespaces exist (`--info-fd 5`). */
export const INFO_FD = 5;
/** What bubblewrap waits on before running envd (`--block-fd 6`): written once the network is set up. */
export const BLOCK_FD = 6;

/** The self-contained envd bundle built next to the package's dist/ (see scripts/build.mjs). */
export function envdBundlePath(): string {
  const bundle = join(packageRoot(), 'dist', 'envd.mjs');
  if (!existsSync(bundle)) throw new Error(`envd bundle not found at ${bundle}: run \`npm run build\``);
  return bundle;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The variable that marks every process of an unisolated sandbox (see {@link killMarked}). */
export const SANDBOX_MARK_ENV = 'E2B_TS_SANDBOX_MARK';

/**
 * Kills every process of this user carrying the sandbox's marker in its environment, until none
 * is left: what a sandbox without a cgroup started and then moved out of its tree (`setsid` and
 * a second fork reparent a daemon to init or a subreaper).
 */
export async function killMarked(mark: string, tree: ProcessTree = processTree()): Promise<void> {
  await killWithEnv(SANDBOX_MARK_ENV, mark, tree);
}

/**
 * The command and arguments that run `command args` inside the sandbox's cgroup: a shell writes
 * its own pid into every `cgroup.procs` file and then execs the command, so the sandbox's first
 * process (and so all of them) is limited and counted from its start, with no window in which a
 * child could be forked outside. A group that cannot be joined is reported on stderr (the
 * sandbox's log) and the sandbox starts without it.
 */
export function joinCgroupCommand(procsFiles: string[], command: string, args: string[]): { command: string; args: string[] } {
  if (procsFiles.length === 0) return { command, args };
  const script =
    'while [ "$1" != -- ]; do echo $$ 2>/dev/null >"$1" || echo "e2b-ts: could not join the cgroup $1; this sandbox runs without its limits" >&2; shift; done; shift; exec "$@"';
  return { command: '/bin/sh', args: ['-c', script, 'sh', ...procsFiles, '--', command, ...args] };
}

/**
 * Spawns `command args`, feeds it the envd config and wraps it as a SandboxProcess. `argsOnFd`
 * are more arguments for the wrapper, written NUL-separated to fd 4 rather than put on its
 * command line, where every local user could read them (`ps`). The process starts inside the
 * sandbox's cgroup (`freezer`).
 */
export function launch(opts: {
  command: string;
  args: string[];
  argsOnFd?: string[];
  env: Record<string, string>;
  config: Omit<EnvdConfig, 'listen' | 'platformSecret'>;
  listener: EnvdListener;
  freezer: SandboxCgroup;
  onLog: (line: string) => void;
  /** The value of {@link SANDBOX_MARK_ENV} in every process of the sandbox, if it is marked. */
  mark?: string;
  /**
   * Runs once the sandbox's namespaces exist (bubblewrap's `--info-fd`; `--block-fd` holds the
   * sandbox until they are reported), with the host pid of the sandbox's first process, while
   * envd boots: the sandbox is ready only when both are done, so envd's first command already
   * has its network. A failure fails the start.
   */
  beforeStart?: (sandboxPid: number, launchedPid: number) => Promise<void>;
  /** Runs when the sandbox is killed, after its processes (helpers started for it). */
  onKill?: () => void;
}): SandboxProcess {
  const { listener } = opts;
  const platformSecret = randomBytes(32).toString('hex');
  const config: EnvdConfig = {
    ...opts.config,
    listen: listener.fd === undefined ? { path: listener.pipePath! } : { fd: ENVD_LISTEN_FD },
    platformSecret,
  };
  const stdio: StdioOptions = ['pipe', 'pipe', 'pipe'];
  if (listener.fd !== undefined) stdio[ENVD_LISTEN_FD] = listener.fd;
  if (opts.argsOnFd) stdio[ARGS_FD] = 'pipe';
  if (opts.beforeStart) {
    stdio[INFO_FD] = 'pipe';
    stdio[BLOCK_FD] = 'pipe';
  }
  const child = (() => {
    try {
      const run = joinCgroupCommand(opts.freezer.procsFiles, opts.command, opts.args);
      return spawn(run.command, run.args, { stdio, env: opts.env, detached: true });
    } finally {
      // the child has its own copy of the listening socket now (or never will)
      listener.handOver();
    }
  })();
  if (opts.argsOnFd) {
    const argsPipe = child.stdio[ARGS_FD] as NodeJS.WritableStream;
    argsPipe.on('error', () => {});
    argsPipe.end(opts.argsOnFd.map((a) => `${a}\0`).join(''));
  }
  child.stdin!.on('error', () => {});
  child.stdin!.end(JSON.stringify(config));
  const pipes = child.stdio as unknown as Array<NodeJS.ReadableStream & NodeJS.WritableStream>;
  const hook = opts.beforeStart;
  const prepared = hook ? runBeforeStart(pipes[INFO_FD]!, pipes[BLOCK_FD]!, (sandboxPid) => hook(sandboxPid, child.pid!)) : undefined;
  let started = false;
  const early: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    if (!started) {
      early.push(line);
      if (early.length > STARTUP_LINES) early.shift();
    }
    opts.onLog(line);
  });
  const said = () => (early.length ? `: ${early.join(' / ')}` : '');

  const exited = new Promise<SandboxExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const envdReady = new Promise<void>((resolve, reject) => {
    prepared?.catch(async (error: unknown) => {
      // The sandbox may have failed on its own (a mount bubblewrap could not make) and so have
      // left the hook nothing to work on: its own words, from the exit handler below, say more.
      const gone = await Promise.race([exited.then(() => true), sleep(500).then(() => false)]);
      if (!gone) reject(error instanceof Error ? error : new Error(String(error)));
    });
    const timer = setTimeout(() => reject(new Error(`envd did not start within ${READY_TIMEOUT_MS} ms${said()}`)), READY_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.trim() === 'READY') {
        started = true;
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const fail = () => reject(new Error(`the sandbox exited before envd was ready (${signal ?? `exit code ${code}`})${said()}`));
      // the wrapper's last words may still be in the stderr pipe: read them first
      if (child.stderr!.readableEnded) return fail();
      const wait = setTimeout(fail, 200);
      child.stderr!.once('end', () => {
        clearTimeout(wait);
        setImmediate(fail);
      });
    });
  });
  // ready once envd answers and the work before it (the network) is done: they run side by side
  // (a failed hook is reported through envdReady, which prefers the sandbox's own last words)
  const ready = prepared ? envdReady.then(() => prepared) : envdReady;
  ready.catch(() => {});
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${opts.command}`);

  return {
    pid,
    socketPath: listener.connectPath,
    platformSecret,
    ready,
    exited,
    async kill() {
      await opts.freezer.thaw(pid);
      // The group holds every process of the sandbox: killing it is one read of cgroup.procs. The
      // walk of the process tree after it finds what a group could not hold (none, normally).
      if (opts.freezer.procsFiles.length) await opts.freezer.release();
      // Once the root has ended its pid is free: another program may have it by now.
      if (child.exitCode === null && child.signalCode === null) await killTree(pid);
      // Processes that left the tree: the cgroup held them where there is one, the marker here.
      if (opts.mark) await killMarked(opts.mark);
      await opts.freezer.release();
      opts.onKill?.();
      await Promise.race([exited, sleep(2000)]);
      listener.remove();
    },
    freezeKind: opts.freezer.kind,
    freeze: () => opts.freezer.freeze(pid),
    thaw: () => opts.freezer.thaw(pid),
    applyLimits: (limits) => opts.freezer.apply(limits),
    usage: () => opts.freezer.usage(),
  };
}

/**
 * Reads bubblewrap's report (`{"child-pid": N}`) from the info pipe, lets bubblewrap go on by
 * writing to its block pipe, and runs `hook` with the pid.
 */
async function runBeforeStart(info: NodeJS.ReadableStream, block: NodeJS.WritableStream, hook: (pid: number) => Promise<void>): Promise<void> {
  block.on('error', () => {});
  const text = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      // bubblewrap writes one JSON object; it is whole once its closing brace is in
      if (/}\s*$/.test(buffered)) done();
    };
    const done = () => {
      info.off('data', onData);
      resolve(buffered);
    };
    info.on('data', onData);
    info.once('end', () => (buffered ? done() : reject(new Error('the sandbox ended before its namespaces were ready'))));
    info.once('error', reject);
  });
  let pid: number;
  try {
    pid = (JSON.parse(text) as { 'child-pid'?: number })['child-pid'] ?? NaN;
  } catch {
    pid = NaN;
  }
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`bubblewrap reported no sandbox pid (${JSON.stringify(text.slice(0, 200))})`);
  // envd boots (a hundred milliseconds and more) while the hook works: the hook's own order
  // keeps the sandbox safe meanwhile (network.ts writes the rules before it attaches the way
  // out, so nothing leaves unfiltered), and no process of the user's runs before both are done
  block.end('go');
  await hook(pid);
}
