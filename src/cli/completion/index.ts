import type { Command } from 'commander';
import type { Shell } from '../commands/completion.js';

/** Placeholder replaced by the completion generators. */
export function completionScript(shell: Shell, program: Command): string {
  return `# ${shell} completion for ${program.name()}\n`;
}
