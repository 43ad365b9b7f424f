/**
 * Picks the runtime: bubblewrap where it works, the unisolated fallback elsewhere.
 * `E2B_TS_RUNTIME=bubblewrap|unisolated` forces one (forcing bubblewrap where it cannot run is
 * an error rather than a silent downgrade).
 */
import { bubblewrapWorks, createBubblewrapRuntime } from './bubblewrap.js';
import type { Runtime } from './types.js';
import { createUnisolatedRuntime } from './unisolated.js';

export function selectRuntime(env: Record<string, string | undefined> = process.env): Runtime {
  const forced = env.E2B_TS_RUNTIME;
  if (forced === 'unisolated') return createUnisolatedRuntime();
  const works = bubblewrapWorks();
  if (forced === 'bubblewrap' && !works) {
    throw new Error('E2B_TS_RUNTIME=bubblewrap, but bubblewrap cannot create sandboxes here (is `bwrap` installed?)');
  }
  return works ? createBubblewrapRuntime() : createUnisolatedRuntime();
}

export type { Runtime, SandboxProcess, SandboxSpec } from './types.js';
