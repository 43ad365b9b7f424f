import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { commonOptions, GitRun, parseRepoLocation, repoPath, withCommonOptions, type GitCommonOptions, type RepoLocation } from './shared.js';

export interface InitOptions extends GitCommonOptions {
  location: RepoLocation;
  bare: boolean;
  initialBranch?: string;
}

export function initCommand(ctx: Context, run = runInit): CommandUnknownOpts {
  return withCommonOptions(
    new Command('init')
      .description('Create a repository (the folder is created when missing)')
      .argument('<location>', 'ID[:PATH]: the sandbox and the folder (default: the home folder)')
      .option('--bare', 'a bare repository (no working tree)')
      .option('--initial-branch <branch>', "name of the first branch (default: git's init.defaultBranch)"),
  )
    .addHelpText(
      'after',
      '\nOutput: nothing on stdout (--json: {exitCode, stdout, stderr} of git); git\'s message on stderr.\n\nExample:\n  $ e2b-ts git init "$id":project --initial-branch main',
    )
    .action(async (location: string, o) =>
      run(
        {
          location: parseRepoLocation(location, 'git init'),
          bare: o.bare === true,
          ...(o.initialBranch ? { initialBranch: o.initialBranch } : {}),
          ...commonOptions(o),
        },
        ctx,
      ),
    );
}

export async function runInit(opts: InitOptions, ctx: Context): Promise<void> {
  const git = new GitRun(ctx, 'init', opts);
  const sandbox = await git.sandbox(opts.location.sandboxId);
  const result = await git.guard(() =>
    sandbox.git.init(repoPath(opts.location), {
      ...git.call(),
      ...(opts.bare ? { bare: true } : {}),
      ...(opts.initialBranch ? { initialBranch: opts.initialBranch } : {}),
    }),
  );
  git.finish(result);
}
