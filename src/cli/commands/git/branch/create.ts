import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../../context.js';
import { commonOptions, GitRun, parseRepoLocation, repoPath, withCommonOptions, type GitCommonOptions, type RepoLocation } from '../shared.js';

export interface BranchCreateOptions extends GitCommonOptions {
  location: RepoLocation;
  name: string;
}

export function branchCreateCommand(ctx: Context, run = runBranchCreate): CommandUnknownOpts {
  return withCommonOptions(
    new Command('create')
      .description('Create a branch at HEAD and check it out')
      .argument('<location>', 'ID[:PATH]: the sandbox and the repository (default: the home folder)')
      .argument('<name>', 'the new branch'),
  )
    .addHelpText(
      'after',
      '\nOutput: nothing on stdout (--json: {exitCode, stdout, stderr} of git); git\'s message on stderr.\n\nExample:\n  $ e2b-ts git branch create "$id":repo feature',
    )
    .action(async (location: string, name: string, o) => run({ location: parseRepoLocation(location, 'git branch create'), name, ...commonOptions(o) }, ctx));
}

export async function runBranchCreate(opts: BranchCreateOptions, ctx: Context): Promise<void> {
  const git = new GitRun(ctx, 'branch create', opts);
  const sandbox = await git.sandbox(opts.location.sandboxId);
  git.finish(await git.guard(() => sandbox.git.createBranch(repoPath(opts.location), opts.name, git.call())));
}
