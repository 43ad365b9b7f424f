import type { Context } from '../../context.js';

/** State paths of the local backend as this context sees them (E2B_TS_HOME honoured). */
export async function localPaths(ctx: Context) {
  const { statePaths, stateRoot } = await import('../../../local/paths.js');
  return statePaths(stateRoot(ctx.env));
}

/** Throws LocalBackendError where the local backend cannot run (native Windows: local/platform.ts). */
export async function refuseUnsupported(platform: NodeJS.Platform = process.platform): Promise<void> {
  const { localBackendRefusal } = await import('../../../local/platform.js');
  const refusal = localBackendRefusal(platform);
  if (refusal) {
    const { LocalBackendError } = await import('../../errors.js');
    throw new LocalBackendError(refusal);
  }
}
