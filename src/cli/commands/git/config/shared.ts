import { Option } from 'commander';
import type { GitConfigScope } from '../../../../client/git.js';

export const SCOPES: GitConfigScope[] = ['global', 'local', 'system'];

/** `--scope`: global (the user's ~/.gitconfig, the default as in the library), local (PATH's repository) or system. */
export function scopeOption(): Option {
  return new Option('--scope <scope>', "which file: global (the user's ~/.gitconfig), local (the repository at PATH), system")
    .choices(SCOPES)
    .default('global');
}
