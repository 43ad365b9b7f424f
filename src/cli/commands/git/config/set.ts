import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { GitConfigScope } from '../../../../client/git.js';
import type { Context } from '../../../context.js';
import { success } from '../../../output.js';
import { commonOptions, GitRun, parseRepoLocation, repoPath, withCommonOptions, type GitCommonOptions, type RepoLocation } from '../shared.js';
import { scopeOption } from './shared.js';

export interface ConfigSetOptions extends GitCommonOptions {
  location: RepoLocation;
  key: string;
  value: string;
  scope: GitConfigScope;
}

export function configSetCommand(ctx: Context, run = runConfigSet): CommandUnknownOpts {
  return withCommonOptions(
    new Command('set')
      .description('Set a config value')
      .argument('<location>', 'ID[:PATH]: the sandbox, and the repository for --scope local')
      .argument('<key>', 'the key (user.name, pull.rebase, ...)')
      .argument('<value>', 'the value')
      .addOption(scopeOption()),
  )
    .addHelpText(
      'after',
      '\nOutput: nothing on stdout (--json: {exitCode, stdout, stderr} of git).\n\nExamples:\n  $ e2b-ts git config set "$id" user.name "CI Bot"\n  $ e2b-ts git config set "$id":repo pull.rebase true --scope local',
    )
    .action(async (location: string, key: string, value: string, o) =>
      run({ location: parseRepoLocation(location, 'git config set'), key, value, scope: o.scope, ...commonOptions(o) }, ctx),
    );
}

export async function runConfigSet(opts: ConfigSetOptions, ctx: Context): Promise<void> {
  const git = new GitRun(ctx, 'config set', opts);
  const sandbox = await git.sandbox(opts.location.sandboxId);
  const result = await git.guard(() => sandbox.git.setConfig(opts.key, opts.value, { ...git.call(), scope: opts.scope, path: repoPath(opts.location) }));
  git.finish(result);
  if (!ctx.globals.json) success(ctx, `Set ${opts.key} in the ${opts.scope} config`);
}
