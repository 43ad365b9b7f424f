import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { NotFoundError } from '../../../../client/errors.js';
import type { Context } from '../../../context.js';
import { printJson } from '../../../output.js';
import { sanitize } from '../../../render/sanitize.js';
import {
  commonOptions,
  formatRepoLocation,
  GitRun,
  parseRepoLocation,
  repoPath,
  withCommonOptions,
  type GitCommonOptions,
  type RepoLocation,
} from '../shared.js';

export interface RemoteGetOptions extends GitCommonOptions {
  location: RepoLocation;
  name: string;
}

export function remoteGetCommand(ctx: Context, run = runRemoteGet): CommandUnknownOpts {
  return withCommonOptions(
    new Command('get')
      .description("Print a remote's URL")
      .argument('<location>', 'ID[:PATH]: the sandbox and the repository (default: the home folder)')
      .argument('<name>', 'name of the remote'),
  )
    .addHelpText(
      'after',
      `
Output: the URL on stdout (--json: the URL as a JSON string), a password in it shown as ***.
No such remote: exit 3.

Example:
  $ url=$(e2b-ts git remote get "$id":repo origin)`,
    )
    .action(async (location: string, name: string, o) => run({ location: parseRepoLocation(location, 'git remote get'), name, ...commonOptions(o) }, ctx));
}

export async function runRemoteGet(opts: RemoteGetOptions, ctx: Context): Promise<void> {
  const git = new GitRun(ctx, 'remote get', opts);
  const sandbox = await git.sandbox(opts.location.sandboxId);
  const url = await git.guard(() => sandbox.git.remoteGet(repoPath(opts.location), opts.name, git.call()));
  if (url === undefined) throw new NotFoundError(`no remote "${opts.name}" in the repository at ${formatRepoLocation(opts.location)}`);
  // A URL stored with its credentials (clone --store-credentials) is printed without the password.
  const shown = git.redactor.redact(url);
  if (ctx.globals.json) printJson(ctx, shown);
  else ctx.io.stdout.write(`${ctx.io.isStdoutTTY ? sanitize(shown) : shown}\n`);
}
