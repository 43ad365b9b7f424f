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

export interface PushOptions extends GitCommonOptions, CredentialFlags {
  location: RepoLocation;
  remote?: string;
  branch?: string;
  /** Set the pushed branch's upstream when a remote is named (or resolved for credentials). */
  setUpstream: boolean;
}

export function pushCommand(ctx: Context, run = runPush): CommandUnknownOpts {
  const command = new Command('push')
    .description('Push commits to a remote')
    .argument('<location>', 'ID[:PATH]: the sandbox and the repository (default: the home folder)')
    .option('--remote <name>', "remote to push to (default: the branch's upstream)")
    .option('--branch <branch>', "branch to push (default: with --remote, the current one; without, git's push.default)")
    .option('--no-set-upstream', 'do not make the remote branch the upstream of the pushed one');
  return withCommonOptions(withCredentialOptions(command))
    .addHelpText(
      'after',
      `
Without --remote, git pushes to the current branch's upstream; a branch without one (a new branch)
needs --remote, which pushes the current branch (or --branch) and makes it track the remote one
unless --no-set-upstream. With credentials and no --remote, the repository's only remote is used.
${CREDENTIALS_HELP}

Output: nothing on stdout (--json: {exitCode, stdout, stderr} of git); git's messages, and its
progress on a terminal, on stderr. A rejected push exits 1 with git's reason.

Examples:
  $ e2b-ts git push "$id":repo
  $ e2b-ts git push "$id":repo --remote origin --branch feature
  $ printf '%s' "$TOKEN" | e2b-ts git push "$id":repo --password-stdin`,
    )
    .action(async (location: string, o) =>
      run(
        {
          location: parseRepoLocation(location, 'git push'),
          setUpstream: o.setUpstream !== false,
          ...(o.remote ? { remote: o.remote } : {}),
          ...(o.branch ? { branch: o.branch } : {}),
          ...credentialFlags(o),
          ...commonOptions(o),
        },
        ctx,
      ),
    );
}

export async function runPush(opts: PushOptions, ctx: Context): Promise<void> {
  const git = new GitRun(ctx, 'push', opts);
  const credentials = git.useCredentials(await resolveGitAuth(ctx, opts, `git push from ${formatRepoLocation(opts.location)}`));
  const sandbox = await git.sandbox(opts.location.sandboxId);
  const path = repoPath(opts.location);
  // `git push REMOTE` without a branch fails for a branch without an upstream (push.default
  // simple), which is exactly when a remote is named: name the current branch for it.
  let branch = opts.branch;
  if (opts.remote && !branch) branch = (await git.guard(() => sandbox.git.branches(path, git.call()))).currentBranch;
  const progress = git.progress();
  const result = await git
    .guard(() =>
      sandbox.git.push(path, {
        ...git.call(),
        ...credentials,
        setUpstream: opts.setUpstream,
        ...(opts.remote ? { remote: opts.remote } : {}),
        ...(branch ? { branch } : {}),
        ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
      }),
    )
    .finally(progress.flush);
  git.finish(result, { streamed: progress.streamed });
}
