import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../../context.js';
import { commonOptions, GitRun, parseRepoLocation, repoPath, withCommonOptions, type GitCommonOptions, type RepoLocation } from '../shared.js';

export interface BranchDeleteOptions extends GitCommonOptions {
  location: RepoLocation;
  name: string;
  /** Delete even when not merged (`-D`). */
  force: boolean;
}

export function branchDeleteCommand(ctx: Context, run = runBranchDelete): CommandUnknownOpts {
  return withCommonOptions(
    new Command('delete')
      .description('Delete a branch')
      .argument('<location>', 'ID[:PATH]: the sandbox and the repository (default: the home folder)')
      .argument('<name>', 'the branch to delete')
      .option('-f, --force', 'delete it even when it is not merged'),
  )
    .addHelpText(
      'after',
      '\nOutput: nothing on stdout (--json: {exitCode, stdout, stderr} of git); git\'s message on stderr.\n\nExample:\n  $ e2b-ts git branch delete "$id":repo feature --force',
    )
    .action(async (location: string, name: string, o) =>
      run({ location: parseRepoLocation(location, 'git branch delete'), name, force: o.force === true, ...commonOptions(o) }, ctx),
    );
}

export async function runBranchDelete(opts: BranchDeleteOptions, ctx: Context): Promise<void> {
  const git = new GitRun(ctx, 'branch delete', opts);
  const sandbox = await git.sandbox(opts.location.sandboxId);
  git.finish(await git.guard(() => sandbox.git.deleteBranch(repoPath(opts.location), opts.name, { ...git.call(), force: opts.force })));
}
