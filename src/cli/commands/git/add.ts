import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { success } from '../../output.js';
import {
  commonOptions,
  formatRepoLocation,
  GitRun,
  parseRepoLocation,
  repoPath,
  withCommonOptions,
  type GitCommonOptions,
  type RepoLocation,
} from './shared.js';

export interface AddOptions extends GitCommonOptions {
  location: RepoLocation;
  /** Files to stage; none: every change (or, with all false, the repository folder's). */
  files: string[];
  /** Without files: stage every change in the repository (`git add -A`) rather than `git add .`. */
  all: boolean;
}

export function addCommand(ctx: Context, run = runAdd): CommandUnknownOpts {
  return withCommonOptions(
    new Command('add')
      .description('Stage changes for the next commit')
      .argument('<location>', 'ID[:PATH]: the sandbox and the repository (default: the home folder)')
      .argument('[files...]', 'files to stage, relative to the repository (default: every change)')
      .option('--no-all', 'without files: stage `.` (the repository folder) instead of every change (-A)'),
  )
    .addHelpText(
      'after',
      '\nOutput: nothing on stdout (--json: {exitCode, stdout, stderr} of git).\n\nExamples:\n  $ e2b-ts git add "$id":repo\n  $ e2b-ts git add "$id":repo src/main.ts README.md',
    )
    .action(async (location: string, files: string[], o) =>
      run({ location: parseRepoLocation(location, 'git add'), files, all: o.all !== false, ...commonOptions(o) }, ctx),
    );
}

export async function runAdd(opts: AddOptions, ctx: Context): Promise<void> {
  const git = new GitRun(ctx, 'add', opts);
  const sandbox = await git.sandbox(opts.location.sandboxId);
  const result = await git.guard(() => sandbox.git.add(repoPath(opts.location), { ...git.call(), files: opts.files, all: opts.all }));
  git.finish(result);
  if (!ctx.globals.json)
    success(ctx, `Staged ${opts.files.length ? opts.files.length : 'all'} change${opts.files.length === 1 ? '' : 's'} in ${formatRepoLocation(opts.location)}`);
}
