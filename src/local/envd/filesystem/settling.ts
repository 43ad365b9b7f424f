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
