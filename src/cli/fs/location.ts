/**
 * `SANDBOX:PATH` locations of the fs commands, as `docker cp` writes them. A local path that
 * contains a colon is written `./a:b` or absolute; a Windows drive path (`C:\x`, `C:/x`) is
 * always local; `-` is the standard stream (a tar archive for cp).
 */
import { UsageError } from '../errors.js';

export type Location = { kind: 'local'; path: string } | { kind: 'sandbox'; sandboxId: string; path: string } | { kind: 'stdio' };

const SANDBOX_ID = /^[a-z0-9]+(?:-[a-z0-9]+)?$/;

export function parseLocation(arg: string): Location {
  if (arg === '-') return { kind: 'stdio' };
  if (/^[A-Za-z]:[\\/]/.test(arg)) return { kind: 'local', path: arg };
  if (arg.startsWith('/') || arg.startsWith('./') || arg.startsWith('../') || arg.startsWith('~')) return { kind: 'local', path: arg };
  const colon = arg.indexOf(':');
  if (colon > 0) {
    const id = arg.slice(0, colon);
    if (SANDBOX_ID.test(id)) {
      const path = arg.slice(colon + 1);
      return { kind: 'sandbox', sandboxId: id, path: path === '' ? '.' : path };
    }
  }
  return { kind: 'local', path: arg };
}

/** A location that must be in a sandbox (ls, cat, rm, …). */
export function parseSandboxLocation(arg: string, verb: string): { sandboxId: string; path: string } {
  const location = parseLocation(arg);
  if (location.kind !== 'sandbox') {
    throw new UsageError(`${verb} needs a sandbox path written SANDBOX:PATH (e.g. i1a2b3c:/home/user/file.txt), not "${arg}"`);
  }
  return { sandboxId: location.sandboxId, path: location.path };
}
