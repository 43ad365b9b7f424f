/**
 * Path resolution inside the sandbox: `~` and `~/x` expand to the user's home, relative paths
 * resolve against it (as E2B's envd does). The path map is empty in every runtime now (the
 * unisolated one gives paths their host meaning, as its processes see them); it stays for
 * configs that carry one.
 */
import { join, resolve } from 'node:path';
import type { EnvdConfig } from './config.js';
import type { ResolvedUser } from './users.js';

/** The absolute sandbox path a request's path names, for a user. */
export function resolveSandboxPath(path: string, user: ResolvedUser): string {
  if (path === '~') return user.home;
  // the platform's rules: the same as POSIX's inside a sandbox, a Windows path where envd runs
  // unisolated on Windows (its home is a Windows folder)
  if (path.startsWith('~/')) return join(user.home, path.slice(2));
  return resolve(user.home, path);
}

/** Where a sandbox path lives on the filesystem envd sees (identity inside the isolation). */
export function toHostPath(config: EnvdConfig, sandboxPath: string): string {
  for (const { sandbox, host } of config.pathMap) {
    if (sandboxPath === sandbox) return host;
    if (sandboxPath.startsWith(`${sandbox}/`)) return host + sandboxPath.slice(sandbox.length);
  }
  return sandboxPath;
}

/** The sandbox path of a host path (inverse of {@link toHostPath}). */
export function toSandboxPath(config: EnvdConfig, hostPath: string): string {
  for (const { sandbox, host } of config.pathMap) {
    if (hostPath === host) return sandbox;
    if (hostPath.startsWith(`${host}/`)) return sandbox + hostPath.slice(host.length);
  }
  return hostPath;
}
