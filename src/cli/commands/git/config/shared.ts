import { Option } from '@commander-js/extra-typings';
import type { GitConfigScope } from '../../../../client/git.js';

export const SCOPES = ['global', 'local', 'system'] as const satisfies readonly GitConfigScope[];

/** `--scope`: global (the user's ~/.gitconfig, the default as in the library), local (PATH's repository) or system. */
export function scopeOption() {
  return new Option('--scope <scope>', "which file: global (the user's ~/.gitconfig), local (the repository at PATH), system")
    .choices(SCOPES)
    .default('global');
}
