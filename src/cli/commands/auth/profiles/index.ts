import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../../context.js';
import { profilesLsCommand } from './ls.js';
import { profilesRmCommand } from './rm.js';
import { profilesUseCommand } from './use.js';

export function profilesCommand(ctx: Context): CommandUnknownOpts {
  return new Command('profiles')
    .alias('profile')
    .description('Named sign-ins side by side (accounts, self-hosted domains): ls, use, rm')
    .addCommand(profilesLsCommand(ctx), { isDefault: true })
    .addCommand(profilesUseCommand(ctx))
    .addCommand(profilesRmCommand(ctx));
}
