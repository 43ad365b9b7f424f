import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { resolveGitAuth, type CredentialFlags } from '../../git/credentials.js';
import {
  commonOptions,
  CREDENTIALS_HELP,
  credentialFlags,
  formatRepoLocation,
  GitRun,
  parseRepoLocation,
  repoPath,
  withCommonOptions,
  withCredentialOptions,
  type GitCommonOptions,
  type RepoLocation,
} from './shared.js';

export interface PullOptions extends GitCommonOptions, CredentialFlags {
  location: RepoLocation;
  remote?: string;
  branch?: string;
}

export function pullCommand(ctx: Context, run = runPull): CommandUnknownOpts {
  const command = new Command('pull')
    .description('Fetch from a remote and merge into the current branch')
    .argument('<location>', 'ID[:PATH]: the sandbox and the repository (default: the home folder)')
    .option('--remote <name>', "remote to pull from (default: the branch's upstream)")
    .option('--branch <branch>', "remote branch to merge (default: the upstream's)");
  return withCommonOptions(withCredentialOptions(command))
    .addHelpText(
      'after',
      `${CREDENTIALS_HELP}

Output: nothing on stdout (--json: {exitCode, stdout, stderr} of git); git's messages, and its
progress on a terminal, on stderr. A conflict exits 1 with git's CONFLICT lines.

Examples:
  $ e2b-ts git pull "$id":repo
  $ e2b-ts git pull "$id":repo --remote origin --branch main`,
    )
    .action(async (location: string, o) =>
      run(
        {
          location: parseRepoLocation(location, 'git pull'),
          ...(o.remote ? { remote: o.remote } : {}),
          ...(o.branch ? { branch: o.branch } : {}),
          ...credentialFlags(o),
          ...commonOptions(o),
        },
        ctx,
      ),
    );
}

export async function runPull(opts: PullOptions, ctx: Context): Promise<void> {
  const git = new GitRun(ctx, 'pull', opts);
  const credentials = git.useCredentials(await resolveGitAuth(ctx, opts, `git pull into ${formatRepoLocation(opts.location)}`));
  const sandbox = await git.sandbox(opts.location.sandboxId);
  const progress = git.progress();
  const result = await git
    .guard(() =>
      sandbox.git.pull(repoPath(opts.location), {
        ...git.call(),
        ...credentials,
        ...(opts.remote ? { remote: opts.remote } : {}),
        ...(opts.branch ? { branch: opts.branch } : {}),
        ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
      }),
    )
    .finally(progress.flush);
  git.finish(result, { streamed: progress.streamed });
}
