/**
 * Ownership changes in flight. envd runs as root, so a name it creates for the user is root's
 * for a moment, until the chown that follows. A watcher that looks at the name in that moment
 * would report root as the owner; watchers wait for the changes in flight first.
 */
const inFlight = new Set<Promise<unknown>>();

/** Runs `work` (create, then hand to the user) as one change that watchers wait for. */
export function settling<T>(work: () => Promise<T>): Promise<T> {
  const running = work();
  inFlight.add(running);
  const forget = () => inFlight.delete(running);
  running.then(forget, forget);
  return running;
}

/**
 * Resolves when the changes in flight now have finished. Only those: a watcher's burst was
 * read before it calls this, so any change behind it started earlier, and later changes
 * cannot hold it up.
 */
export async function settled(): Promise<void> {
  if (inFlight.size) await Promise.allSettled([...inFlight]);
}

/**
 * Uploads being written in place, by host path. One upload is one operation for watchers: the
 * bytes arrive in as many writes as the network happened to deliver, and each burst of them
 * would otherwise be a WRITE event of its own (CREATE, WRITE or CREATE, WRITE, WRITE, by timing).
 * A watcher holds the WRITE of an upload still being written until it ends, then reports one,
 * with the file as written. An entry outlives its upload by GRACE_MS, so the notifications of
 * its last writes, read late on a loaded machine, still count as that upload.
 */
interface Operation {
  id: number;
  until: number;
  ended: Promise<void>;
}
const writing = new Map<string, Operation>();
let lastOperation = 0;
const GRACE_MS = 10_000;

/** Marks an in-place write of `host` as one operation; call the result when it is written. */
export function writeOperation(host: string): () => void {
  let end!: () => void;
  const entry: Operation = { id: ++lastOperation, until: Number.POSITIVE_INFINITY, ended: new Promise<void>((resolve) => (end = resolve)) };
  writing.set(host, entry);
  return () => {
    entry.until = Date.now() + GRACE_MS;
    end();
    for (const [path, e] of writing) if (e.until < Date.now()) writing.delete(path);
  };
}

/** The write operation `host` belongs to now (or just did), if any. */
export function writeOperationOf(host: string): { id: number; ended: Promise<void>; done: boolean } | undefined {
  const entry = writing.get(host);
  if (!entry || entry.until < Date.now()) return undefined;
  return { id: entry.id, ended: entry.ended, done: entry.until !== Number.POSITIVE_INFINITY };
}
