import type { Context } from '../../context.js';

/** State paths of the local backend as this context sees them (E2B_TS_HOME honoured). */
export async function localPaths(ctx: Context) {
  const { statePaths, stateRoot } = await import('../../../local/paths.js');
  return statePaths(stateRoot(ctx.env));
}
