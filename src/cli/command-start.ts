/**
 * Where the remote command starts on an `exec` or `run` command line that has no `--`.
 *
 * PowerShell drops the first bare `--` of a command line when it runs a script or a cmdlet, and
 * npm installs `e2b-ts` on Windows as a script (`e2b-ts.ps1`), so `e2b-ts exec ID -- ls -la`
 * arrives as `exec ID ls -la`. Handed to commander as it is, the command's own flags would be
 * read as ours: `grep -v x` would print our version, `ls --json` would switch on JSON output.
 * So before commander parses, the verb's words are read the way commander reads them (options,
 * with the values of those that take one) and a `--` is put where the command starts:
 *
 * - `exec`: at the first word after the sandbox ID that is not an option;
 * - `run`: at its first word that is not an option (the template then goes by `--template`).
 *
 * From there on every word is the command's, its own flags included, as after `--`. A command
 * line with a `--` after the verb is left as typed, and the words before that `--` are ours, as
 * they always were; unless there are more of them than the verb takes, which is what PowerShell
 * makes of `exec ID -- git log -- README`. That is refused here, before commander could read
 * the command's flags as ours (`-v` would print the version instead of the error).
 */
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { UsageError } from './errors.js';

/**
 * The verbs that run a command: how many of their own operands come before it without `--`
 * (`exec`: the sandbox ID; `run`: none), and at most before a `--` (`run`: the template).
 */
export const COMMAND_VERBS: Readonly<Record<string, { without: number; most: number }>> = {
  exec: { without: 1, most: 1 },
  run: { without: 0, most: 1 },
};

const POWERSHELL_HINT = "in PowerShell a bare -- is dropped: quote it, '--'";

/** The refusal of more words before `--` than `verb` takes (PowerShell dropped the first `--`, or a slip). */
export function tooManyBeforeDashDash(verb: 'exec' | 'run', words: readonly string[]): UsageError {
  return verb === 'exec'
    ? new UsageError(`expected one sandbox ID before --, got ${words.length}: ${words.join(' ')} (${POWERSHELL_HINT})`)
    : new UsageError(`expected at most one template before --, got: ${words.join(' ')} (${POWERSHELL_HINT}, or use --template)`);
}

/** A word commander reads as an option (`-` alone is an operand: stdin in many commands). */
function isOption(word: string): boolean {
  return word.length > 1 && word.startsWith('-');
}

/** The flags (`-x`, `--xyz`) of the commands' options that take a value. */
function valueFlags(commands: readonly CommandUnknownOpts[]): Set<string> {
  const flags = new Set<string>();
  for (const command of commands) {
    for (const option of command.options) {
      if (!option.required && !option.optional) continue;
      if (option.short) flags.add(option.short);
      if (option.long) flags.add(option.long);
    }
  }
  return flags;
}

/** Whether the option word at `argv[at]` consumes the next word as its value. */
function consumesNext(argv: readonly string[], at: number, flags: Set<string>): boolean {
  const word = argv[at]!;
  // `--cwd=/x` and `-c/x` carry their value in the word itself
  if (word.includes('=') || (!word.startsWith('--') && word.length > 2)) return false;
  return flags.has(word) && at + 1 < argv.length;
}

/**
 * `argv` with a `--` inserted where the command of `exec`/`run` starts, when the user gave none;
 * otherwise `argv` unchanged. Throws UsageError for more words before a `--` than the verb takes.
 * Pure: `program` is only read for its options and verb names.
 */
export function markCommandStart(argv: readonly string[], program: CommandUnknownOpts): string[] {
  const globals = valueFlags([program]);
  let at = 0;
  while (at < argv.length && isOption(argv[at]!)) {
    if (argv[at] === '--') return [...argv];
    at += consumesNext(argv, at, globals) ? 2 : 1;
  }
  const word = argv[at];
  const verb = word === undefined ? undefined : program.commands.find((c) => c.name() === word || c.aliases().includes(word));
  const shape = verb ? COMMAND_VERBS[verb.name()] : undefined;
  if (!verb || !shape) return [...argv];

  const flags = valueFlags([program, verb]);
  const dashDash = argv.indexOf('--', at + 1);
  const end = dashDash >= 0 ? dashDash : argv.length;
  const operands: number[] = [];
  for (let i = at + 1; i < end; i++) {
    if (isOption(argv[i]!)) {
      if (consumesNext(argv, i, flags)) i++;
      continue;
    }
    if (dashDash < 0 && operands.length === shape.without) return [...argv.slice(0, i), '--', ...argv.slice(i)];
    operands.push(i);
  }
  if (dashDash >= 0 && operands.length > shape.most) {
    throw tooManyBeforeDashDash(
      verb.name() as 'exec' | 'run',
      operands.map((i) => argv[i]!),
    );
  }
  return [...argv];
}
