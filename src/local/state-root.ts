/**
 * The state folder is private to its owner, as ssh insists for its keys: it holds the API key,
 * every sandbox's files and records, and the sockets of their envd. Other local users must not
 * even list it (sandbox folders and records would give them IDs to aim at).
 */
import { chmodSync, mkdirSync, statSync } from 'node:fs';

/** What {@link secureStateRoot} did. */
export interface StateRootCheck {
  /** The mode the folder had when it was tightened to 0700. */
  tightenedFrom?: number;
}

/**
 * Creates the state folder 0700, or checks an existing one (a symlink to it is fine): a folder of
 * this user open to others is tightened to 0700; one that belongs to someone else is refused,
 * since whoever owns it can read or replace everything the backend keeps there.
 */
export function secureStateRoot(root: string): StateRootCheck {
  mkdirSync(root, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return {};
  const st = statSync(root);
  if (!st.isDirectory()) throw new Error(`the local backend's state folder ${root} is not a folder`);
  const me = process.getuid?.();
  if (me !== undefined && st.uid !== me) {
    throw new Error(`the local backend's state folder ${root} belongs to uid ${st.uid}, not to you (uid ${me}); set E2B_TS_HOME to a folder of your own`);
  }
  const mode = st.mode & 0o777;
  if ((mode & 0o077) === 0) return {};
  chmodSync(root, 0o700);
  return { tightenedFrom: mode };
}
