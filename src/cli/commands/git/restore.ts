import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { success } from '../../output.js';
import { commonOptions, GitRun, parseRepoLocation, repoPath, withCommonOptions, type GitCommonOptions, type RepoLocation } from './shared.js';

export interface RestoreOptions extends GitCommonOptions {
  location: RepoLocation;
  paths: string[];
  /** Restore the index (unstage); alone, the working tree is left as it is. */
  staged?: boolean;
  /** Restore the working tree (the default when neither is given). */
  worktree?: boolean;
  source?: string;
}

export function restoreCommand(ctx: Context, run = runRestore): CommandUnknownOpts {
  return withCommonOptions(
    new Command('restore')
      .description('Restore files in the working tree or the index')
      .argument('<location>', 'ID[:PATH]: the sandbox and the repository (default: the home folder)')
      .argument('<paths...>', 'paths to restore (. for all)')
      .option('--staged', 'restore the index (unstage); with --worktree, both')
      .option('--worktree', 'restore the working tree (the default without --staged)')
      .option('--source <ref>', 'restore from this commit, branch or ref (default: the index, or HEAD for --staged)'),
  )
    .addHelpText(
      'after',
      '\nOutput: nothing on stdout (--json: {exitCode, stdout, stderr} of git).\n\nExamples:\n  $ e2b-ts git restore "$id":repo src/a.ts            # drop unstaged changes\n  $ e2b-ts git restore "$id":repo . --staged          # unstage everything',
    )
    .action(async (location: string, paths: string[], o) =>
      run(
        {
          location: parseRepoLocation(location, 'git restore'),
          paths,
          ...(o.staged ? { staged: true } : {}),
          ...(o.worktree ? { worktree: true } : {}),
          ...(o.source ? { source: o.source } : {}),
          ...commonOptions(o),
        },
        ctx,
      ),
    );
}

export async function runRestore(opts: RestoreOptions, ctx: Context): Promise<void> {
  const git = new GitRun(ctx, 'restore', opts);
  const sandbox = await git.sandbox(opts.location.sandboxId);
  const result = await git.guard(() =>
    sandbox.git.restore(repoPath(opts.location), {
      ...git.call(),
      paths: opts.paths,
      ...(opts.staged !== undefined ? { staged: opts.staged } : {}),
      ...(opts.worktree !== undefined ? { worktree: opts.worktree } : {}),
      ...(opts.source ? { source: opts.source } : {}),
    }),
  );
  git.finish(result);
  if (!ctx.globals.json) success(ctx, `Restored ${opts.paths.join(' ')}`);
}
