/**
 * sudo's command line, as the sandbox's sudo understands it: the flags code written for E2B's
 * base template uses (`-u`, `-E`, `-i`, `-s`, `-H`, `-n`, `--`), and the ones that only make
 * sense with passwords or policies, accepted and ignored (`-k`, `-K`, `-v`, `-S`, `-b` is not).
 */
export interface SudoArgs {
  user: string;
  mode: 'exec' | 'login' | 'shell';
  preserveEnv: boolean;
  argv: string[];
  /** Nothing to run: `-v`, `-k` alone (success), `-h`, `-V`. */
  action?: 'validate' | 'help' | 'version';
}

export class SudoUsageError extends Error {}

export const SUDO_USAGE = `usage: sudo [-EHiknsSv] [-u user] [--] command [arg ...]
       sudo -i|-s [-u user] [command [arg ...]]
       sudo -v | -k | -K | -h | -V`;

const LONG: Record<string, string> = {
  '--preserve-env': 'E',
  '--login': 'i',
  '--shell': 's',
  '--set-home': 'H',
  '--non-interactive': 'n',
  '--reset-timestamp': 'k',
  '--remove-timestamp': 'K',
  '--validate': 'v',
  '--stdin': 'S',
  '--help': 'h',
  '--version': 'V',
};

export function parseSudoArgs(args: readonly string[]): SudoArgs {
  const out: SudoArgs = { user: 'root', mode: 'exec', preserveEnv: false, argv: [] };
  let only: SudoArgs['action'];
  let i = 0;
  const flag = (letter: string): void => {
    switch (letter) {
      case 'E':
        out.preserveEnv = true;
        break;
      case 'i':
        out.mode = 'login';
        break;
      case 's':
        out.mode = 'shell';
        break;
      case 'H':
      case 'n':
      case 'S':
      case 'k':
        break; // no passwords, no prompts, no cached credentials: nothing to do
      case 'K':
      case 'v':
        only = 'validate';
        break;
      case 'h':
        only = 'help';
        break;
      case 'V':
        only = 'version';
        break;
      default:
        throw new SudoUsageError(`invalid option -- '${letter}'`);
    }
  };
  for (; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      i++;
      break;
    }
    if (arg.startsWith('--')) {
      const [name, value] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
      if (name === '--user') {
        const user = value ?? args[++i];
        if (!user) throw new SudoUsageError("option '--user' requires an argument");
        out.user = user;
        continue;
      }
      // --preserve-env=VAR,...: keep the whole environment (a superset of what was asked)
      const letter = LONG[name];
      if (!letter || (value !== undefined && name !== '--preserve-env')) throw new SudoUsageError(`unrecognized option '${arg}'`);
      flag(letter);
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j]!;
      if (letter === 'u') {
        const user = arg.slice(j + 1) || args[++i];
        if (!user) throw new SudoUsageError("option requires an argument -- 'u'");
        out.user = user;
        break;
      }
      flag(letter);
    }
  }
  out.argv = args.slice(i);
  if (only) {
    if (only === 'validate' && out.argv.length === 0) return { ...out, action: only };
    if (only !== 'validate') return { ...out, action: only };
  }
  if (out.argv.length === 0 && out.mode === 'exec') {
    if (args.includes('-k') || args.includes('--reset-timestamp')) return { ...out, action: 'validate' };
    throw new SudoUsageError('a command is required');
  }
  return out;
}

/**
 * `sudo -i cmd a b` hands the shell one command line, as sudo does: every character that is not
 * alphanumeric, `_`, `-` or `$` is escaped with a backslash (so `$HOME` still expands).
 */
export function shellLine(argv: readonly string[]): string {
  return argv.map((arg) => arg.replace(/[^A-Za-z0-9_\-$]/g, '\\$&')).join(' ');
}
