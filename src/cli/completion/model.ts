/**
 * The completion model: a plain, sorted tree extracted from the commander program, which the
 * shell generators (bash.ts, zsh.ts, fish.ts, powershell.ts) turn into scripts. Pure: it reads
 * the program through commander's public Help API (so hidden commands and options are skipped
 * the same way `--help` skips them) and never runs anything.
 */
import type { CommandUnknownOpts as Command, Option } from '@commander-js/extra-typings';
import { COMMAND_VERBS } from '../command-start.js';
import { SHELLS } from '../commands/completion.js';

export interface OptionModel {
  /** The flags as typed, short first: ['-y', '--yes'], ['--no-color']. */
  flags: string[];
  /** True when the option consumes a value (`<value>` or `[value]`). */
  takesValue: boolean;
  /** The fixed values of the option (`.choices()`), sorted; empty when the value is free. */
  choices: string[];
  description: string;
}

export interface CommandModel {
  /** The canonical name ('' for the program itself). */
  name: string;
  aliases: string[];
  /** Canonical names from the program down: [] for the program, ['sandbox', 'snapshot']. */
  path: string[];
  description: string;
  /** Subcommands sorted by name, including commander's `help` command where it has one. */
  subcommands: CommandModel[];
  /**
   * The command's own options, sorted. For the program itself this is only its help option:
   * its other options are `globalOptions`.
   */
  options: OptionModel[];
  /** Fixed values of the first positional argument, sorted; empty when it is free or absent. */
  positionalChoices: string[];
  /**
   * For `exec` and `run`: how many of the command's own words come before the command it runs
   * (exec: the sandbox ID; run: none); every word after those is the remote command's.
   */
  commandAfter?: number;
}

export interface CompletionModel {
  /** The program name as typed: 'e2b-ts'. */
  program: string;
  root: CommandModel;
  /** The program's options except its help option; they are valid after any command word. */
  globalOptions: OptionModel[];
}

/**
 * Positional arguments with fixed values that commander does not know about (the command
 * validates them itself), by command path.
 */
const POSITIONAL_CHOICES: Record<string, readonly string[]> = {
  completion: SHELLS,
};

/** Names, flags and values end up unquoted in shell code: allow only plain words. */
const SAFE_WORD = /^-{0,2}[A-Za-z0-9_][A-Za-z0-9_.:+@%,-]*$/;

function safe(word: string, what: string): string {
  if (!SAFE_WORD.test(word)) throw new Error(`completion: unsupported characters in ${what} "${word}"`);
  return word;
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedUnique(words: Iterable<string>): string[] {
  return [...new Set(words)].sort(byText);
}

/** First line of a description, whitespace collapsed. */
function oneLine(text: string): string {
  return (text.split('\n')[0] ?? '').replace(/\s+/g, ' ').trim();
}

function optionModel(option: Option): OptionModel {
  const flags = [option.short, option.long].filter((f): f is string => typeof f === 'string' && f.length > 0);
  for (const f of flags) safe(f, 'option');
  return {
    flags,
    takesValue: option.required || option.optional,
    choices: sortedUnique((option.argChoices ?? []).map((c) => safe(c, `choice of ${flags.join('/')}`))),
    description: oneLine(option.description),
  };
}

function optionKey(option: OptionModel): string {
  // sort by the long flag where there is one: --api-key, --debug, ..., -y/--yes under "yes"
  const long = option.flags.find((f) => f.startsWith('--')) ?? option.flags[0] ?? '';
  return long.replace(/^-+/, '');
}

function sortOptions(options: OptionModel[]): OptionModel[] {
  return [...options].sort((a, b) => byText(optionKey(a), optionKey(b)));
}

function commandModel(command: Command, path: string[], name: string): CommandModel {
  const help = command.createHelp();
  const visible = help.visibleCommands(command);
  const subcommands: CommandModel[] = visible.map((sub) => commandModel(sub, [...path, safe(sub.name(), 'command')], sub.name()));
  // `help [command]` takes the name of a sibling
  for (const sub of subcommands) {
    if (sub.name === 'help' && sub.subcommands.length === 0 && sub.positionalChoices.length === 0) {
      sub.positionalChoices = sortedUnique(subcommands.filter((s) => s !== sub).map((s) => s.name));
    }
  }
  const first = command.registeredArguments[0];
  const positional = first?.argChoices ?? POSITIONAL_CHOICES[path.join(' ')] ?? [];
  const model: CommandModel = {
    name,
    aliases: sortedUnique(command.aliases().map((a) => safe(a, 'alias'))),
    path,
    description: oneLine(command.description()),
    subcommands: subcommands.sort((a, b) => byText(a.name, b.name)),
    options: sortOptions(help.visibleOptions(command).map(optionModel)),
    positionalChoices: sortedUnique(positional.map((c) => safe(c, `value of ${path.join(' ')}`))),
  };
  const runs = path.length === 1 ? COMMAND_VERBS[name] : undefined;
  if (runs) model.commandAfter = runs.without;
  return model;
}

/** Extracts the completion model of a commander program. */
export function completionModel(program: Command): CompletionModel {
  const root = commandModel(program, [], '');
  // visibleOptions adds the help option to the program's own: that one stays with the program
  const visible = program.createHelp().visibleOptions(program);
  const globals = visible.filter((o) => program.options.includes(o));
  root.options = sortOptions(visible.filter((o) => !program.options.includes(o)).map(optionModel));
  return { program: safe(program.name(), 'program name'), root, globalOptions: sortOptions(globals.map(optionModel)) };
}

// ---- helpers shared by the generators ----

/** Every command of the model, the program first, parents before children. */
export function allCommands(model: CompletionModel): CommandModel[] {
  const out: CommandModel[] = [];
  const walk = (c: CommandModel): void => {
    out.push(c);
    for (const s of c.subcommands) walk(s);
  };
  walk(model.root);
  return out;
}

/**
 * The key of a command in the generated lookup tables: the words that reach it, program
 * included ('e2b-ts', 'e2b-ts sandbox snapshot').
 */
export function commandKey(model: CompletionModel, command: CommandModel): string {
  return [model.program, ...command.path].join(' ');
}

/** Words that select a subcommand of `command` (names and aliases), sorted. */
export function subcommandWords(command: CommandModel): string[] {
  return sortedUnique(command.subcommands.flatMap((s) => [s.name, ...s.aliases]));
}

/** What a generated script looks up while it walks the words typed so far. */
export interface CompletionTables {
  /** One row per command, the program first. */
  commands: {
    key: string;
    command: CommandModel;
    /** Subcommand words, then positional values: what to offer as the first non-option word. */
    words: string[];
    /** The command's own options whose flags are not global ones. */
    options: OptionModel[];
  }[];
  /** [parent key, word, child key] for every subcommand name and alias. */
  children: [string, string, string][];
  /** [command key, flag] of the commands' own options that take a value. */
  valueFlags: [string, string][];
  /**
   * [command key, flag] of own options taking no value whose flag is also a global option's
   * that does take one (the own option wins there). Empty for the e2b-ts tree.
   */
  shadowingFlags: [string, string][];
  /** Flags of the global options that take a value. */
  globalValueFlags: string[];
  /** [command key, flag, choices] for own options with fixed values. */
  choices: [string, string, string[]][];
  /** [flag, choices] for global options with fixed values. */
  globalChoices: [string, string[]][];
}

export function completionTables(model: CompletionModel): CompletionTables {
  const globalFlags = new Set(model.globalOptions.flatMap((o) => o.flags));
  const globalValue = new Set(model.globalOptions.filter((o) => o.takesValue).flatMap((o) => o.flags));
  const tables: CompletionTables = {
    commands: [],
    children: [],
    valueFlags: [],
    shadowingFlags: [],
    globalValueFlags: [...globalValue].sort(byText),
    choices: [],
    globalChoices: model.globalOptions.flatMap((o) => o.flags.map((f): [string, string[]] => [f, o.choices])).filter(([, c]) => c.length > 0),
  };
  tables.globalChoices.sort((a, b) => byText(a[0], b[0]));
  for (const command of allCommands(model)) {
    const key = commandKey(model, command);
    tables.commands.push({
      key,
      command,
      words: [...subcommandWords(command), ...command.positionalChoices.filter((c) => !subcommandWords(command).includes(c))],
      options: command.options.filter((o) => !o.flags.some((f) => globalFlags.has(f))),
    });
    for (const sub of command.subcommands) {
      for (const word of [sub.name, ...sub.aliases]) tables.children.push([key, word, commandKey(model, sub)]);
    }
    for (const option of command.options) {
      for (const flag of option.flags) {
        if (option.takesValue) tables.valueFlags.push([key, flag]);
        else if (globalValue.has(flag)) tables.shadowingFlags.push([key, flag]);
        if (option.choices.length > 0) tables.choices.push([key, flag, option.choices]);
      }
    }
  }
  return tables;
}

export function header(model: CompletionModel, shell: string): string {
  return `# ${model.program} ${shell} completion — generated from the command tree by \`${model.program} completion ${shell}\`; do not edit`;
}

/** Pads words to one width (for aligned descriptions). */
export function padTo(words: string[]): (word: string) => string {
  const width = Math.max(0, ...words.map((w) => w.length));
  return (word) => word.padEnd(width);
}
