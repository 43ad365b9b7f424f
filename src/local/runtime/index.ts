/**
 * Picks the runtime: bubblewrap where it works, the unisolated fallback elsewhere.
 * `E2B_TS_RUNTIME=bubblewrap|unisolated` forces one (forcing bubblewrap where it cannot run is
 * an error rather than a silent downgrade). `E2B_TS_OVERLAY=kernel|fuse` picks how writable roots
 * are mounted (default: the kernel's overlayfs, else fuse-overlayfs).
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { bubblewrapWorks, createBubblewrapRuntime } from './bubblewrap.js';
import type { OverlayChoice } from './layers.js';
import { tunRefusal } from './network.js';
import type { Runtime } from './types.js';
import { createUnisolatedRuntime } from './unisolated.js';

/**
 * The program `name` as the daemon's PATH finds it. Sandboxes start with a PATH of their own, so
 * the binary is looked up once here: the one that passed the probe is the one that runs.
 */
function findProgram(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** PATH plus the sbin folders, where nft lives (a normal user's PATH often lacks them). */
function systemPath(path = ''): string {
  return [path, '/usr/local/sbin', '/usr/sbin', '/sbin'].filter(Boolean).join(delimiter);
}

export function selectRuntime(env: Record<string, string | undefined> = process.env): Runtime {
  const forced = env.E2B_TS_RUNTIME;
  if (forced === 'unisolated') return createUnisolatedRuntime();
  const bwrap = findProgram('bwrap', env.PATH);
  const works = bwrap !== undefined && bubblewrapWorks(bwrap);
  if (forced === 'bubblewrap' && !works) {
    throw new Error('E2B_TS_RUNTIME=bubblewrap, but bubblewrap cannot create sandboxes here (is `bwrap` installed?)');
  }
  if (!works) return createUnisolatedRuntime();
  if (env.E2B_TS_NETWORK !== undefined && env.E2B_TS_NETWORK !== '' && env.E2B_TS_NETWORK !== 'host') {
    throw new Error(`E2B_TS_NETWORK must be host or unset, not ${JSON.stringify(env.E2B_TS_NETWORK)}`);
  }
  const overlay = env.E2B_TS_OVERLAY;
  if (overlay !== undefined && overlay !== '' && !['auto', 'kernel', 'fuse'].includes(overlay)) {
    throw new Error(`E2B_TS_OVERLAY must be kernel, fuse or auto, not ${JSON.stringify(overlay)}`);
  }
  return createBubblewrapRuntime(bwrap, {
    unshare: findProgram('unshare', env.PATH),
    writableRoot: env.E2B_TS_WRITABLE_ROOT !== '0',
    overlay: (overlay || 'auto') as OverlayChoice,
    fuseOverlayfs: findProgram('fuse-overlayfs', env.PATH),
    network:
      env.E2B_TS_NETWORK === 'host'
        ? 'host'
        : {
            slirp4netns: findProgram('slirp4netns', env.PATH),
            nft: findProgram('nft', systemPath(env.PATH)),
            nsenter: findProgram('nsenter', systemPath(env.PATH)),
            tunRefused: tunRefusal(),
          },
  });
}

export type { Runtime, SandboxProcess, SandboxSpec } from './types.js';
