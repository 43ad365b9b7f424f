/**
 * What the security tests share: a real local backend, sandboxes made with our client, and
 * commands run in them as root (the attacker the security model assumes inside a sandbox).
 */
import { CommandExitError, Sandbox, type ConnectionOptions } from '../../src/index.js';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';

export interface Ran {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The connection options of a backend, for our client. */
export function connection(backend: LocalBackend): ConnectionOptions {
  return { apiKey: backend.apiKey, apiUrl: backend.url, sandboxUrl: backend.url };
}

export async function createSandbox(backend: LocalBackend, opts: { secure?: boolean; allowInternetAccess?: boolean } = {}): Promise<Sandbox> {
  return Sandbox.create('base', { ...connection(backend), timeoutMs: 600_000, ...opts });
}

/** Runs a shell line in the sandbox; a non-zero exit is a result, not an exception. */
export async function run(sandbox: Sandbox, cmd: string, user: 'root' | 'user' = 'root', timeoutMs = 60_000): Promise<Ran> {
  try {
    const done = await sandbox.commands.run(cmd, { user, timeoutMs });
    return { exitCode: done.exitCode, stdout: done.stdout, stderr: done.stderr };
  } catch (error) {
    if (error instanceof CommandExitError) return { exitCode: error.exitCode, stdout: error.stdout, stderr: error.stderr };
    throw error;
  }
}

export { startLocalBackend, type LocalBackend };
