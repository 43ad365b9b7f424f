/**
 * Who the OOM killer takes when a sandbox runs out of memory: the process that used it, not envd.
 *
 * envd and everything it starts share the sandbox's cgroup and its memory limit. The kernel kills
 * the process with the highest score (its memory, plus `oom_score_adj` thousandths of the
 * limit), so envd starts each command with its own adjustment raised by {@link CHILD_BONUS}: any
 * command then outscores envd unless envd alone holds half the limit. Raising is allowed without
 * privilege, and so is going back down to a value the process had before, so envd raises its own
 * value for the instant of the fork (the child inherits it) and restores it after: there is no
 * window in which a command's first children could be forked with envd's value. Commands may
 * lower their own value back to envd's, never below (that needs CAP_SYS_RESOURCE).
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** How much more a command's `oom_score_adj` is than envd's (half of the scale). */
export const CHILD_BONUS = 500;
const SELF = '/proc/self/oom_score_adj';

let own: number | null | undefined;

function ownScore(): number | null {
  if (own !== undefined) return own;
  own = null;
  if (process.platform !== 'linux') return own;
  try {
    const value = Number(readFileSync(SELF, 'utf8').trim());
    if (Number.isInteger(value)) own = value;
  } catch {
    // no /proc here
  }
  return own;
}

/** Runs `spawn` (which must fork synchronously) so that the child starts with a higher score. */
export function spawnKillableFirst<T>(spawn: () => T): T {
  const base = ownScore();
  if (base === null || base >= 1000) return spawn();
  try {
    writeFileSync(SELF, String(Math.min(1000, base + CHILD_BONUS)));
  } catch {
    own = null;
    return spawn();
  }
  try {
    return spawn();
  } finally {
    try {
      writeFileSync(SELF, String(base));
    } catch {
      // cannot happen (going back to a value held before is always allowed); never throw here
    }
  }
}
