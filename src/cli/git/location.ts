/**
 * `ID[:PATH]`: where a git command works. The fs grammar (`SANDBOX:PATH`, see fs/location.ts),
 * plus a bare ID for the user's home folder. PATH is the repository's folder in the sandbox;
 * a relative one (and `~`, `~/x`) is relative to the home of the user git runs as, because git
 * runs there.
 */
import { UsageError } from '../errors.js';
import { parseLocation } from '../fs/location.js';

export interface RepoLocation {
  sandboxId: string;
  /**
   * The repository folder as git gets it (`-C PATH`); undefined when the location named only
   * the sandbox (`ID` or `ID:`), which most verbs read as the home folder (`.`).
   */
  path?: string;
}

/** Parses `ID`, `ID:` or `ID:PATH`; anything else is a usage error naming the verb. */
export function parseRepoLocation(arg: string, verb: string): RepoLocation {
  const example = `written ID[:PATH] (e.g. i1a2b3c:repo or i1a2b3c:/home/user/repo)`;
  // A bare ID is what the fs grammar reads as `ID:` (the colon is what makes it a sandbox).
  const location = arg.includes(':') ? parseLocation(arg) : parseLocation(`${arg}:`);
  if (location.kind !== 'sandbox') {
    throw new UsageError(`${verb} needs a sandbox location ${example}, not "${arg}"`);
  }
  const raw = arg.includes(':') ? arg.slice(arg.indexOf(':') + 1) : '';
  if (raw === '') return { sandboxId: location.sandboxId };
  return { sandboxId: location.sandboxId, path: homeRelative(raw) };
}

/**
 * `~` and `~/x` as git would get them from a shell: git runs with exact arguments (no shell to
 * expand them) in the user's home, so they become `.` and `x`.
 */
function homeRelative(path: string): string {
  if (path === '~' || path === '~/') return '.';
  if (path.startsWith('~/')) return path.slice(2).replace(/^\/+/, '') || '.';
  return path;
}

/** The location as people write it, for messages (`i1a2b3c:repo`, or the ID alone). */
export function formatRepoLocation(location: RepoLocation): string {
  return location.path === undefined ? location.sandboxId : `${location.sandboxId}:${location.path}`;
}
