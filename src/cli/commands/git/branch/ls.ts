import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../../context.js';
import { branchRows, branchTsv } from '../../../git/render.js';
import { printJson, printTable } from '../../../output.js';
import { sanitize } from '../../../render/sanitize.js';
import { commonOptions, GitRun, parseRepoLocation, repoPath, withCommonOptions, type GitCommonOptions, type RepoLocation } from '../shared.js';

export interface BranchListOptions extends GitCommonOptions {
  location: RepoLocation;
}

export function branchListCommand(ctx: Context, run = runBranchList): CommandUnknownOpts {
  return withCommonOptions(
    new Command('ls')
      .aliases(['list'])
      .description('List the local branches, then the remote-tracking ones')
      .argument('<location>', 'ID[:PATH]: the sandbox and the repository (default: the home folder)'),
  )
    .addHelpText(
      'after',
      `
Output:
  terminal  a table: the current branch marked *, local branches, then remote-tracking ones
  piped     one row per branch: name<TAB>local|remote<TAB>current (empty unless checked out)
  --json    the library's GitBranches: {branches, currentBranch, remoteBranches}

Examples:
  $ e2b-ts git branch "$id":repo
  $ e2b-ts git branch ls "$id":repo | awk -F'\\t' '$3 == "current" { print $1 }'`,
    )
    .action(async (location: string, o) => run({ location: parseRepoLocation(location, 'git branch ls'), ...commonOptions(o) }, ctx));
}

export async function runBranchList(opts: BranchListOptions, ctx: Context): Promise<void> {
  const git = new GitRun(ctx, 'branch ls', opts);
  const sandbox = await git.sandbox(opts.location.sandboxId);
  const branches = await git.guard(() => sandbox.git.branches(repoPath(opts.location), git.call()));
  if (ctx.globals.json) printJson(ctx, branches);
  else if (!ctx.io.isStdoutTTY) ctx.io.stdout.write(branchTsv(branches));
  else {
    const { color } = ctx.io;
    const rows = branchRows(branches).map(([mark, name, type]) => {
      const shown = sanitize(name);
      return [mark, mark === '*' ? color.green(shown) : type === 'remote' ? color.red(shown) : shown, type];
    });
    printTable(ctx, ['', 'BRANCH', 'TYPE'], rows);
  }
}
