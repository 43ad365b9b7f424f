/**
 * The Windows process-tree backend: kills a tree with `taskkill /PID <pid> /T /F`, which walks
 * the parent links Windows keeps. Nothing else: Windows has no SIGSTOP to pause a tree with and
 * no environment another process may read, and the local backend refuses to start on native
 * Windows (platform.ts), so this only keeps every runtime path defined there. It is tested as
 * argument construction.
 */
import { execFile } from 'node:child_process';
import type { ProcessTree } from './process-tree-types.js';

/** taskkill's arguments that end `pid` and every process it started, forcibly. */
export function taskkillArgs(pid: number): string[] {
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new Error(`not a process id: ${pid}`);
  return ['/PID', String(pid), '/T', '/F'];
}

/** Runs a program and resolves when it ends, whatever its exit code (taskkill says 128 when the tree is gone already). */
export type CommandRunner = (program: string, args: string[]) => Promise<void>;

const runQuietly: CommandRunner = (program, args) =>
  new Promise((resolve) => {
    execFile(program, args, { windowsHide: true }, () => resolve());
  });

/** The taskkill backend; `run` replaces the real taskkill (tests). */
export function createTaskkillTree(run: CommandRunner = runQuietly): ProcessTree {
  return {
    name: 'taskkill',
    async list() {
      throw new Error('listing processes is not supported on native Windows (run the local backend in WSL2)');
    },
    async withEnv() {
      return [];
    },
    async identify() {
      return undefined;
    },
    async killTree(pid) {
      await run('taskkill', taskkillArgs(pid));
    },
  };
}
