import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { loginCommand } from './login.js';
import { logoutCommand } from './logout.js';
import { profilesCommand } from './profiles/index.js';
import { statusCommand } from './status.js';

/** Name, aliases and one-line summary (root help lists them without building the subtree). */
export const AUTH_NOUN = { name: 'auth', aliases: [], summary: 'Sign in to E2B: login, status, logout, profiles' };

export function authCommand(ctx: Context): CommandUnknownOpts {
  return new Command(AUTH_NOUN.name)
    .aliases(AUTH_NOUN.aliases)
    .description(AUTH_NOUN.summary)
    .addCommand(loginCommand(ctx))
    .addCommand(statusCommand(ctx))
    .addCommand(logoutCommand(ctx))
    .addCommand(profilesCommand(ctx));
}
