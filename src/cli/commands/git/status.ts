import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { statusRows, statusSummary } from '../../git/render.js';
import { printJson } from '../../output.js';
import { commonOptions, GitRun, parseRepoLocation, repoPath, withCommonOptions, type GitCommonOptions, type RepoLocation } from './shared.js';

export interface StatusOptions extends GitCommonOptions {
  location: RepoLocation;
}

export function statusCommand(ctx: Context, run = runStatus): CommandUnknownOpts {
  return withCommonOptions(
    new Command('status')
      .description("A repository's branch and changed files")
      .argument('<location>', 'ID[:PATH]: the sandbox and the repository (default: the home folder)'),
  )
    .addHelpText(
      'after',
      `
Output:
  terminal  git's summary: the branch, its upstream (ahead/behind), then the changes to be
            committed, unmerged paths, changes not staged and untracked files
  piped     one row per file: XY<TAB>status<TAB>name<TAB>renamedFrom
              XY          index and working-tree letters, '.' when unchanged (M. .M ?? R. UU)
              status      modified, added, deleted, renamed, copied, typechange, untracked, conflict
              name        path from the repository's root; C-quoted as git quotes it ("a\\tb")
                          when it holds a control character, '"' or '\\'
              renamedFrom the old path of a rename or copy, else empty
            a clean repository prints nothing
  --json    the library's GitStatus (currentBranch, upstream, ahead, behind, fileStatus, ...)

Examples:
  $ e2b-ts git status "$id":repo
  $ e2b-ts git status "$id":repo | cut -f3          # the changed files
  $ e2b-ts git status "$id":repo --json | jq .ahead`,
    )
    .action(async (location: string, o) => run({ location: parseRepoLocation(location, 'git status'), ...commonOptions(o) }, ctx));
}

export async function runStatus(opts: StatusOptions, ctx: Context): Promise<void> {
  const git = new GitRun(ctx, 'status', opts);
  const sandbox = await git.sandbox(opts.location.sandboxId);
  const status = await git.guard(() => sandbox.git.status(repoPath(opts.location), git.call()));
  if (ctx.globals.json) printJson(ctx, status);
  else if (ctx.io.isStdoutTTY) ctx.io.stdout.write(statusSummary(status, ctx.io.color));
  else ctx.io.stdout.write(statusRows(status));
}
