import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { addCommand } from './add.js';
import { branchCommand } from './branch/index.js';
import { checkoutCommand } from './checkout.js';
import { cloneCommand } from './clone.js';
import { commitCommand } from './commit.js';
import { configCommand } from './config/index.js';
import { initCommand } from './init.js';
import { pullCommand } from './pull.js';
import { pushCommand } from './push.js';
import { remoteCommand } from './remote/index.js';
import { resetCommand } from './reset.js';
import { restoreCommand } from './restore.js';
import { statusCommand } from './status.js';

/** Name, aliases and one-line summary (root help lists them without building the subtree). */
export const GIT_NOUN = { name: 'git', aliases: [] as string[], summary: 'Git in sandboxes: clone, status, commit, push, pull, branches' };

export function gitCommand(ctx: Context): CommandUnknownOpts {
  return new Command(GIT_NOUN.name)
    .aliases(GIT_NOUN.aliases)
    .description(GIT_NOUN.summary)
    .addHelpText(
      'after',
      `
Locations are ID[:PATH]: the sandbox, and the repository's folder in it; a relative PATH is in the
home of the user git runs as (--user), and a bare ID is that home folder itself.

Exit codes: 1 git failed (its reason is on stderr), 2 usage, 3 no such sandbox or remote,
4 credentials refused or missing, 5 --timeout passed, 130 interrupted.`,
    )
    .addCommand(cloneCommand(ctx))
    .addCommand(initCommand(ctx))
    .addCommand(statusCommand(ctx))
    .addCommand(addCommand(ctx))
    .addCommand(commitCommand(ctx))
    .addCommand(pushCommand(ctx))
    .addCommand(pullCommand(ctx))
    .addCommand(branchCommand(ctx))
    .addCommand(checkoutCommand(ctx))
    .addCommand(remoteCommand(ctx))
    .addCommand(configCommand(ctx))
    .addCommand(resetCommand(ctx))
    .addCommand(restoreCommand(ctx));
}
