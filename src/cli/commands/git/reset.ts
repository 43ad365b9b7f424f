import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { GitResetMode } from '../../../client/git.js';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { wordsAfterDashDash } from '../exec.js';
import { commonOptions, GitRun, parseRepoLocation, repoPath, withCommonOptions, type GitCommonOptions, type RepoLocation } from './shared.js';

export interface ResetOptions extends GitCommonOptions {
  location: RepoLocation;
  /** Commit, branch or ref to reset to (git's default: HEAD). */
  target?: string;
  mode?: GitResetMode;
  /** Paths to reset in the index (after `--`). */
  paths: string[];
}

const MODES: GitResetMode[] = ['soft', 'mixed', 'hard', 'merge', 'keep'];

/** `--<mode>`, which excludes the other modes. */
function modeOption<M extends GitResetMode>(mode: M) {
  return new Option(`--${mode}` as `--${M}`, MODE_HELP[mode]).conflicts(MODES.filter((m) => m !== mode));
}

const MODE_HELP: Record<GitResetMode, string> = {
  soft: 'move HEAD only; keep the index and the working tree',
  mixed: "move HEAD and reset the index; keep the working tree (git's default)",
  hard: 'move HEAD, reset the index and the working tree (changes are lost)',
  merge: "reset, keeping the working tree's changes unless they conflict",
  keep: 'reset, refusing when a changed file would be overwritten',
};

export function resetCommand(ctx: Context, run = runReset): CommandUnknownOpts {
  const command = new Command('reset')
    .description('Reset HEAD, the index and (with --hard) the working tree, or unstage paths')
    .usage('[options] <location> [target] [-- paths...]')
    .argument('<location>', 'ID[:PATH]: the sandbox and the repository (default: the home folder)')
    .argument('[target]', 'commit, branch or ref to reset to (default: HEAD)')
    .argument('[paths...]', 'after --: paths to reset in the index')
    .addOption(modeOption('soft'))
    .addOption(modeOption('mixed'))
    .addOption(modeOption('hard'))
    .addOption(modeOption('merge'))
    .addOption(modeOption('keep'));
  return withCommonOptions(command)
    .addHelpText(
      'after',
      `
Output: nothing on stdout (--json: {exitCode, stdout, stderr} of git); git's messages on stderr.

Examples:
  $ e2b-ts git reset "$id":repo HEAD~1 --hard
  $ e2b-ts git reset "$id":repo -- src/a.ts      # unstage a file`,
    )
    .action(async (location, target, paths, o, self) => {
      // After `--` everything is a path: `reset ID -- a` has no target.
      const afterDashDash = wordsAfterDashDash(self);
      const operands = [...(target !== undefined ? [target] : []), ...paths];
      const pathCount = afterDashDash ? Math.min(afterDashDash.length, operands.length) : 0;
      const before = operands.slice(0, operands.length - pathCount);
      if (before.length > 1) throw new UsageError(`git reset takes one target before --, got ${before.length}: ${before.join(' ')} (put paths after --)`);
      const mode = MODES.find((m) => o[m] === true);
      await run(
        {
          location: parseRepoLocation(location, 'git reset'),
          paths: operands.slice(operands.length - pathCount),
          ...(before[0] !== undefined ? { target: before[0] } : {}),
          ...(mode ? { mode } : {}),
          ...commonOptions(o),
        },
        ctx,
      );
    });
}

export async function runReset(opts: ResetOptions, ctx: Context): Promise<void> {
  const git = new GitRun(ctx, 'reset', opts);
  const sandbox = await git.sandbox(opts.location.sandboxId);
  const result = await git.guard(() =>
    sandbox.git.reset(repoPath(opts.location), {
      ...git.call(),
      ...(opts.mode ? { mode: opts.mode } : {}),
      ...(opts.target !== undefined ? { target: opts.target } : {}),
      ...(opts.paths.length ? { paths: opts.paths } : {}),
    }),
  );
  git.finish(result);
}
