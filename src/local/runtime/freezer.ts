/**
 * A sandbox's cgroup as the runtimes see it: freezing its process tree for pause, and (see
 * cgroup.ts) its limits and accounting.
 *
 * A cgroup freezer stops processes without them noticing (no SIGSTOP for a shell's job control to
 * report, no SIGCONT for programs to see); cgroup v2 (`cgroup.freeze`) and v1 (`freezer.state`)
 * are both used when writable. Elsewhere it falls back to SIGSTOP/SIGCONT over the tree.
 */
import { Cgroups, noCgroup, type CgroupEnv, type SandboxCgroup } from './cgroup.js';

export type { Freezer, SandboxCgroup } from './cgroup.js';

const detected = new Map<string, Cgroups>();

/**
 * The cgroups of a state folder (`scope`), looked at once per process. Tests pass `env` to run
 * over a fake tree (and get a fresh look).
 */
export function cgroupsFor(scope: string, env?: Partial<CgroupEnv>): Cgroups {
  if (env) return Cgroups.detect(scope, env);
  let cgroups = detected.get(scope);
  if (!cgroups) {
    cgroups = Cgroups.detect(scope);
    detected.set(scope, cgroups);
  }
  return cgroups;
}

/**
 * Creates the cgroup of one sandbox (now, before its processes start); `scope` keeps groups of
 * different state dirs apart. Every local user can list cgroups, so the group is named by `key`,
 * an opaque name of the sandbox, never by its ID.
 */
export function createFreezer(scope: string, key: string): SandboxCgroup {
  // E2B_TS_CGROUPS=0: none (as on machines without usable cgroups; tests of that path use it)
  if (process.env.E2B_TS_CGROUPS === '0') return noCgroup();
  const cgroups = cgroupsFor(scope);
  return cgroups.usable ? cgroups.group(key) : noCgroup();
}

/** Removes groups left behind by a daemon that died, thawing and killing what is in them. */
export async function releaseStaleGroups(scope: string): Promise<void> {
  await cgroupsFor(scope).releaseAll(false);
}

/** At daemon shutdown, after every sandbox was stopped: removes the state folder's parent groups. */
export async function releaseAllGroups(scope: string): Promise<void> {
  await cgroupsFor(scope).releaseAll(true);
}
