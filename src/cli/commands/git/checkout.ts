import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { commonOptions, GitRun, parseRepoLocation, repoPath, withCommonOptions, type GitCommonOptions, type RepoLocation } from './shared.js';

export interface CheckoutOptions extends GitCommonOptions {
  location: RepoLocation;
  branch: string;
}

export function checkoutCommand(ctx: Context, run = runCheckout): CommandUnknownOpts {
  return withCommonOptions(
    new Command('checkout')
      .description('Switch to a branch')
      .argument('<location>', 'ID[:PATH]: the sandbox and the repository (default: the home folder)')
      .argument('<branch>', 'the branch to check out'),
  )
    .addHelpText(
      'after',
      '\nOutput: nothing on stdout (--json: {exitCode, stdout, stderr} of git); git\'s messages on stderr.\n\nExample:\n  $ e2b-ts git checkout "$id":repo main',
    )
    .action(async (location: string, branch: string, o) => run({ location: parseRepoLocation(location, 'git checkout'), branch, ...commonOptions(o) }, ctx));
}

export async function runCheckout(opts: CheckoutOptions, ctx: Context): Promise<void> {
  const git = new GitRun(ctx, 'checkout', opts);
  const sandbox = await git.sandbox(opts.location.sandboxId);
  git.finish(await git.guard(() => sandbox.git.checkoutBranch(repoPath(opts.location), opts.branch, git.call())));
}
