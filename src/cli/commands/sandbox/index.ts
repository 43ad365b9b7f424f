import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { createCommand } from './create.js';
import { infoCommand } from './info.js';
import { killCommand } from './kill.js';
import { listCommand } from './list.js';
import { logsCommand } from './logs.js';
import { metricsCommand } from './metrics.js';
import { networkCommand } from './network.js';
import { pauseCommand } from './pause.js';
import { portForwardCommand } from './port-forward.js';
import { resumeCommand } from './resume.js';
import { snapshotCommand } from './snapshot/index.js';
import { timeoutCommand } from './timeout.js';
import { urlCommand } from './url.js';
import { ptyAttachCommand } from '../pty/attach.js';

/** Name, aliases and one-line summary (root help lists them without building the subtree). */
export const SANDBOX_NOUN = { name: 'sandbox', aliases: ['sbx'], summary: 'Create, list and manage sandboxes' };

export function sandboxCommand(ctx: Context): CommandUnknownOpts {
  return (
    new Command(SANDBOX_NOUN.name)
      .aliases(SANDBOX_NOUN.aliases)
      .description(SANDBOX_NOUN.summary)
      .addCommand(createCommand(ctx))
      .addCommand(listCommand(ctx))
      .addCommand(infoCommand(ctx))
      .addCommand(killCommand(ctx))
      .addCommand(pauseCommand(ctx))
      .addCommand(resumeCommand(ctx))
      .addCommand(timeoutCommand(ctx))
      .addCommand(networkCommand(ctx))
      .addCommand(metricsCommand(ctx))
      .addCommand(logsCommand(ctx))
      .addCommand(urlCommand(ctx))
      .addCommand(portForwardCommand(ctx))
      // For people coming from the official CLI: `sandbox connect <id>` opens a terminal.
      .addCommand(ptyAttachCommand(ctx, undefined, 'connect'))
      .addCommand(snapshotCommand(ctx))
  );
}
