import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { resolveGitAuth, type CredentialFlags } from '../../git/credentials.js';
import { parseInteger } from '../../parse.js';
import {
  commonOptions,
  CREDENTIALS_HELP,
  credentialFlags,
  formatRepoLocation,
  GitRun,
  parseRepoLocation,
  withCommonOptions,
  withCredentialOptions,
  type GitCommonOptions,
  type RepoLocation,
} from './shared.js';

export interface CloneOptions extends GitCommonOptions, CredentialFlags {
  url: string;
  /** Where to clone; without a path, git's default: the URL's last segment, in the home folder. */
  location: RepoLocation;
  branch?: string;
  depth?: number;
  /** Keep the credentials in origin's URL in .git/config. */
  storeCredentials: boolean;
}

export function cloneCommand(ctx: Context, run = runClone): CommandUnknownOpts {
  const command = withCredentialOptions(
    new Command('clone')
      .description('Clone a repository into a sandbox')
      .argument('<url>', 'repository URL')
      .argument('<location>', "ID[:PATH]: the sandbox, and the folder to clone into (default: the URL's last segment, in the home folder)")
      .option('--branch <branch>', 'check out this branch (and fetch only it)')
      .addOption(new Option('--depth <n>', 'shallow clone with this many commits').argParser((value) => parseInteger(value, '--depth', 1))),
  ).option('--store-credentials', "keep the credentials in origin's URL in .git/config (readable by anything in the sandbox)");
  return withCommonOptions(command)
    .addHelpText(
      'after',
      `${CREDENTIALS_HELP}

Output: nothing on stdout (--json: {exitCode, stdout, stderr} of git); git's messages, and its
progress on a terminal, on stderr.

Examples:
  $ e2b-ts git clone https://github.com/e2b-dev/e2b "$id"
  $ e2b-ts git clone https://github.com/org/private "$id":/home/user/app --depth 1 --password-stdin < token.txt
  $ E2B_TS_GIT_TOKEN=$GITHUB_TOKEN e2b-ts git clone https://github.com/org/private "$id":app`,
    )
    .action(async (url: string, location: string, o) => {
      await run(
        {
          url,
          location: parseRepoLocation(location, 'git clone'),
          storeCredentials: o.storeCredentials === true,
          ...(o.branch ? { branch: o.branch } : {}),
          ...(o.depth !== undefined ? { depth: o.depth } : {}),
          ...credentialFlags(o),
          ...commonOptions(o),
        },
        ctx,
      );
    });
}

export async function runClone(opts: CloneOptions, ctx: Context): Promise<void> {
  const git = new GitRun(ctx, 'clone', opts);
  const auth = await resolveGitAuth(ctx, opts, git.redactor.redact(opts.url));
  // Credentials from the environment are for HTTP(S) remotes; they do not make a clone of any
  // other URL fail (explicit ones do, with the library's message).
  let credentials: { username?: string; password?: string } = {};
  if (auth.fromEnvironmentOnly && !/^https?:\/\//i.test(opts.url)) git.debug('not an http(s) URL: E2B_TS_GIT_USERNAME/E2B_TS_GIT_TOKEN not used');
  else credentials = git.useCredentials(auth);
  const sandbox = await git.sandbox(opts.location.sandboxId);
  const progress = git.progress();
  git.debug(`git clone ${opts.url} into ${formatRepoLocation(opts.location)}`);
  const result = await git
    .guard(() =>
      sandbox.git.clone(opts.url, {
        ...git.call(),
        ...credentials,
        ...(opts.location.path !== undefined ? { path: opts.location.path } : {}),
        ...(opts.branch ? { branch: opts.branch } : {}),
        ...(opts.depth !== undefined ? { depth: opts.depth } : {}),
        ...(opts.storeCredentials ? { dangerouslyStoreCredentials: true } : {}),
        ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
      }),
    )
    .finally(progress.flush);
  if (opts.storeCredentials && git.sentCredentials) ctx.warn("the credentials are stored in origin's URL in .git/config, readable by anything in the sandbox");
  git.finish(result, { streamed: progress.streamed });
}
