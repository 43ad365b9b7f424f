import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Shell } from '../commands/completion.js';
import { bashScript } from './bash.js';
import { fishScript } from './fish.js';
import { completionModel, type CompletionModel } from './model.js';
import { powershellScript } from './powershell.js';
import { zshScript } from './zsh.js';

const generators: Record<Shell, (model: CompletionModel) => string> = {
  bash: bashScript,
  zsh: zshScript,
  fish: fishScript,
  powershell: powershellScript,
};

/** The completion script of `program` for `shell`, generated from its command tree. */
export function completionScript(shell: Shell, program: CommandUnknownOpts): string {
  return generators[shell](completionModel(program));
}
