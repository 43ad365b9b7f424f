import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../../context.js';
import { success } from '../../../output.js';
import { commonOptions, GitRun, parseRepoLocation, repoPath, withCommonOptions, type GitCommonOptions, type RepoLocation } from '../shared.js';

export interface RemoteAddOptions extends GitCommonOptions {
  location: RepoLocation;
  name: string;
  url: string;
  /** Fetch the remote once added. */
  fetch: boolean;
  /** Set the URL when the remote exists (instead of failing). */
  overwrite: boolean;
}

export function remoteAddCommand(ctx: Context, run = runRemoteAdd): CommandUnknownOpts {
  return withCommonOptions(
    new Command('add')
      .description('Add a remote')
      .argument('<location>', 'ID[:PATH]: the sandbox and the repository (default: the home folder)')
      .argument('<name>', 'name of the remote (origin, upstream, ...)')
      .argument('<url>', 'its URL')
      .option('--fetch', 'fetch it after adding it')
      .option('--overwrite', 'set the URL when the remote already exists'),
  )
    .addHelpText(
      'after',
      '\nOutput: nothing on stdout (--json: {exitCode, stdout, stderr} of git).\n\nExample:\n  $ e2b-ts git remote add "$id":repo upstream https://github.com/org/repo --fetch',
    )
    .action(async (location: string, name: string, url: string, o) =>
      run(
        { location: parseRepoLocation(location, 'git remote add'), name, url, fetch: o.fetch === true, overwrite: o.overwrite === true, ...commonOptions(o) },
        ctx,
      ),
    );
}

export async function runRemoteAdd(opts: RemoteAddOptions, ctx: Context): Promise<void> {
  const git = new GitRun(ctx, 'remote add', opts);
  const sandbox = await git.sandbox(opts.location.sandboxId);
  const result = await git.guard(() =>
    sandbox.git.remoteAdd(repoPath(opts.location), opts.name, opts.url, { ...git.call(), fetch: opts.fetch, overwrite: opts.overwrite }),
  );
  git.finish(result);
  if (!ctx.globals.json) success(ctx, `Added remote ${opts.name}`);
}
