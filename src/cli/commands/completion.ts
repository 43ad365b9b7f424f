import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';

export const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type Shell = (typeof SHELLS)[number];

export interface CompletionOptions {
  shell: Shell;
}

/** Name and one-line summary (root help lists them without building the command). */
export const COMPLETION_VERB = { name: 'completion', aliases: [] as string[], summary: 'Print a shell completion script (bash, zsh, fish, powershell)' };

export function completionCommand(ctx: Context, program: () => CommandUnknownOpts, run = runCompletion): CommandUnknownOpts {
  return new Command('completion')
    .description(COMPLETION_VERB.summary)
    .argument('<shell>', `one of ${SHELLS.join(', ')}`)
    .addHelpText(
      'after',
      `
Examples:
  $ e2b-ts completion bash > ~/.local/share/bash-completion/completions/e2b-ts
  $ e2b-ts completion zsh > "\${fpath[1]}/_e2b-ts"
  $ e2b-ts completion fish > ~/.config/fish/completions/e2b-ts.fish
  PS> e2b-ts completion powershell | Out-String | Invoke-Expression`,
    )
    .action(async (shell) => {
      if (!SHELLS.includes(shell as Shell)) throw new UsageError(`unknown shell "${shell}": choose from ${SHELLS.join(', ')}`);
      await run({ shell: shell as Shell }, ctx, program());
    });
}

export async function runCompletion(opts: CompletionOptions, ctx: Context, program: CommandUnknownOpts): Promise<void> {
  const { completionScript } = await import('../completion/index.js');
  ctx.io.stdout.write(completionScript(opts.shell, program));
}
