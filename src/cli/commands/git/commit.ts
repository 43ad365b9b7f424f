import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { printJson } from '../../output.js';
import { commonOptions, GitRun, parseRepoLocation, repoPath, withCommonOptions, type GitCommonOptions, type RepoLocation } from './shared.js';

export interface CommitOptions extends GitCommonOptions {
  location: RepoLocation;
  message: string;
  authorName?: string;
  authorEmail?: string;
  allowEmpty: boolean;
}

/** `Name <email>` as git writes an identity. */
export function parseAuthor(text: string): { name: string; email: string } {
  const match = /^\s*([^<>]*?)\s*<([^<>]*)>\s*$/.exec(text);
  if (!match?.[1] || !match[2]) throw new UsageError(`invalid --author "${text}": write it "Name <email>"`);
  return { name: match[1], email: match[2] };
}

export function commitCommand(ctx: Context, run = runCommit): CommandUnknownOpts {
  return withCommonOptions(
    new Command('commit')
      .description("Commit the staged changes; prints the new commit's sha")
      .argument('<location>', 'ID[:PATH]: the sandbox and the repository (default: the home folder)')
      .requiredOption('-m, --message <message>', 'the commit message')
      .option('--author <identity>', 'author and committer, "Name <email>" (default: git\'s user.name and user.email)')
      .option('--allow-empty', 'commit even when nothing is staged'),
  )
    .addHelpText(
      'after',
      `
Output: the new commit's full sha on stdout (--json: {sha, exitCode, stdout, stderr}); git's
summary on stderr. Nothing staged is a failure (exit 1), as in git, unless --allow-empty.

Examples:
  $ sha=$(e2b-ts git commit "$id":repo -m "Fix the parser")
  $ e2b-ts git commit "$id":repo -m "Release" --author "CI Bot <ci@example.com>"`,
    )
    .action(async (location: string, o) => {
      const author = o.author !== undefined ? parseAuthor(o.author) : undefined;
      await run(
        {
          location: parseRepoLocation(location, 'git commit'),
          message: o.message,
          allowEmpty: o.allowEmpty === true,
          ...(author ? { authorName: author.name, authorEmail: author.email } : {}),
          ...commonOptions(o),
        },
        ctx,
      );
    });
}

export async function runCommit(opts: CommitOptions, ctx: Context): Promise<void> {
  const git = new GitRun(ctx, 'commit', opts);
  const sandbox = await git.sandbox(opts.location.sandboxId);
  const path = repoPath(opts.location);
  const result = await git.guard(() =>
    sandbox.git.commit(path, opts.message, {
      ...git.call(),
      ...(opts.authorName ? { authorName: opts.authorName } : {}),
      ...(opts.authorEmail ? { authorEmail: opts.authorEmail } : {}),
      ...(opts.allowEmpty ? { allowEmpty: true } : {}),
    }),
  );
  // git's summary shows an abbreviated sha; scripts want the whole one.
  const head = await git.guard(() =>
    sandbox.commands.run('git', { ...git.call(), args: ['-C', path, 'rev-parse', '--verify', 'HEAD'], envs: { GIT_TERMINAL_PROMPT: '0' } }),
  );
  const sha = head.stdout.trim();
  if (ctx.globals.json) {
    printJson(ctx, { sha, ...git.resultJson(result) });
    return;
  }
  git.finish(result);
  ctx.io.stdout.write(`${sha}\n`);
}
