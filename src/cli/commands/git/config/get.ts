import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { GitConfigScope } from '../../../../client/git.js';
import type { Context } from '../../../context.js';
import { SilentError } from '../../../errors.js';
import { printJson } from '../../../output.js';
import { sanitize } from '../../../render/sanitize.js';
import { commonOptions, GitRun, parseRepoLocation, repoPath, withCommonOptions, type GitCommonOptions, type RepoLocation } from '../shared.js';
import { scopeOption } from './shared.js';

export interface ConfigGetOptions extends GitCommonOptions {
  location: RepoLocation;
  key: string;
  scope: GitConfigScope;
}

export function configGetCommand(ctx: Context, run = runConfigGet): CommandUnknownOpts {
  return withCommonOptions(
    new Command('get')
      .description('Print a config value')
      .argument('<location>', 'ID[:PATH]: the sandbox, and the repository for --scope local')
      .argument('<key>', 'the key (user.name, remote.origin.url, ...)')
      .addOption(scopeOption()),
  )
    .addHelpText(
      'after',
      `
Output: the value on stdout (--json: the value as a JSON string). A key that is not set exits 1
with nothing on stdout, as git config --get does (--json prints null); on a terminal stderr says so.

Examples:
  $ e2b-ts git config get "$id" user.email
  $ e2b-ts git config get "$id":repo remote.origin.url --scope local`,
    )
    .action(async (location: string, key: string, o) =>
      run({ location: parseRepoLocation(location, 'git config get'), key, scope: o.scope, ...commonOptions(o) }, ctx),
    );
}

export async function runConfigGet(opts: ConfigGetOptions, ctx: Context): Promise<void> {
  const git = new GitRun(ctx, 'config get', opts);
  const sandbox = await git.sandbox(opts.location.sandboxId);
  const value = await git.guard(() => sandbox.git.getConfig(opts.key, { ...git.call(), scope: opts.scope, path: repoPath(opts.location) }));
  if (ctx.globals.json) printJson(ctx, value ?? null);
  else if (value !== undefined) ctx.io.stdout.write(`${ctx.io.isStdoutTTY ? sanitize(value) : value}\n`);
  if (value === undefined) {
    ctx.note(`${sanitize(opts.key)} is not set in the ${opts.scope} config`);
    throw new SilentError(1);
  }
}
