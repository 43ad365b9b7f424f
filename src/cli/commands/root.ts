/**
 * The command tree: global options, the nouns, and commander configured for an injected
 * Context (output through ctx.io, errors thrown instead of process.exit).
 */
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { packageVersion } from '../../version.js';
import type { Context, GlobalOptions } from '../context.js';
import { authCommand, AUTH_NOUN } from './auth/index.js';
import { completionCommand, COMPLETION_VERB } from './completion.js';
import { execCommand } from './exec.js';
import { fsCommand, FS_NOUN } from './fs/index.js';
import { gitCommand, GIT_NOUN } from './git/index.js';
import { procCommand, PROC_NOUN } from './proc/index.js';
import { ptyCommand, PTY_NOUN } from './pty/index.js';
import { runCommand } from './run.js';
import { HELP_WIDTH } from '../quick.js';
import { localCommand, LOCAL_NOUN } from './local/index.js';
import { sandboxCommand, SANDBOX_NOUN } from './sandbox/index.js';
import { volumeCommand, VOLUME_NOUN } from './volume/index.js';

interface Noun {
  meta: { name: string; aliases: string[]; summary: string };
  build(ctx: Context): CommandUnknownOpts;
}

/** The nouns in the order `--help` lists them (exec and run sit between sandbox and proc). */
const NOUNS: Record<string, Noun> = {
  sandbox: { meta: SANDBOX_NOUN, build: sandboxCommand },
  proc: { meta: PROC_NOUN, build: procCommand },
  pty: { meta: PTY_NOUN, build: ptyCommand },
  fs: { meta: FS_NOUN, build: fsCommand },
  git: { meta: GIT_NOUN, build: gitCommand },
  volume: { meta: VOLUME_NOUN, build: volumeCommand },
  local: { meta: LOCAL_NOUN, build: localCommand },
  auth: { meta: AUTH_NOUN, build: authCommand },
};

/** Global options that take a value, so the word after them is not the command. */
const VALUE_OPTIONS = new Set(['--api-key', '--domain', '--api-url', '--profile']);

/**
 * Which nouns a run needs in full: the one named on the command line (also after `help`), or all
 * of them for `completion`. Undefined means all (no argv: tests and tools inspecting the tree).
 */
export function nounsNeeded(argv: readonly string[] | undefined): Set<string> | undefined {
  if (argv === undefined) return undefined;
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      if (VALUE_OPTIONS.has(arg)) i++;
      continue;
    }
    words.push(arg);
  }
  const [first, second] = words;
  if (first === COMPLETION_VERB.name) return undefined;
  const target = first === 'help' ? second : first;
  const noun = Object.values(NOUNS).find((n) => n.meta.name === target || n.meta.aliases.includes(target ?? ''));
  return new Set(noun ? [noun.meta.name] : []);
}

/** A noun as `--help` lists it, without its verbs: building every verb of every noun costs start-up time. */
function placeholder(meta: Noun['meta']): CommandUnknownOpts {
  return new Command(meta.name).aliases(meta.aliases).description(meta.summary);
}

/** Adds the global options (they work before or after the command words). */
function addGlobalOptions(program: Command) {
  return program
    .option('--local', 'use the local backend (starts it when needed); env E2B_TS_LOCAL=1')
    .option('--api-key <key>', 'E2B API key (default: $E2B_API_KEY)')
    .option('--domain <domain>', 'E2B domain (default: $E2B_DOMAIN or e2b.app)')
    .option('--api-url <url>', 'E2B API URL (default: $E2B_API_URL or https://api.<domain>)')
    .option('--profile <name>', 'credentials profile from the config file')
    .option('--json', 'print JSON (NDJSON for streams) instead of tables')
    .option('--no-color', 'do not use colors (also NO_COLOR=1)')
    .option('--debug', 'log requests and show stack traces on stderr (secrets are never shown)')
    .option('-y, --yes', 'answer yes to confirmations')
    .addOption(new Option('--no-input', 'never prompt; fail when an answer is missing').default(undefined));
}

/** Reads the global options of the command that runs. */
export function globalsOf(command: CommandUnknownOpts): GlobalOptions {
  const o = command.optsWithGlobals() as Record<string, unknown>;
  const globals: GlobalOptions = {
    local: o.local === true,
    json: o.json === true,
    noColor: o.color === false,
    debug: o.debug === true,
    yes: o.yes === true,
    noInput: o.input === false,
  };
  if (typeof o.apiKey === 'string') globals.apiKey = o.apiKey;
  if (typeof o.domain === 'string') globals.domain = o.domain;
  if (typeof o.apiUrl === 'string') globals.apiUrl = o.apiUrl;
  if (typeof o.profile === 'string') globals.profile = o.profile;
  return globals;
}

/** Applies output routing and error behaviour to a command and all its subcommands. */
function configureTree(command: CommandUnknownOpts, ctx: Context): void {
  command
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
      // one line per error: commander puts its suggestion on a line of its own
      outputError: (s, write) => write(`${s.trim().replace(/\s*\n\s*/g, ' ')}\n`),
      // wider lines are hard to read; a fixed width also lets `--help` be answered from a prebuilt text (quick.ts)
      getOutHelpWidth: () => Math.min(ctx.io.terminalWidth() ?? HELP_WIDTH, HELP_WIDTH),
      getErrHelpWidth: () => HELP_WIDTH,
    });
  for (const sub of command.commands) configureTree(sub, ctx);
}

/**
 * Builds the command tree. With argv, only the noun that runs is built in full; the others are
 * listed by name and summary, which is all `--help` and commander's suggestions need.
 */
export function buildProgram(ctx: Context, argv?: readonly string[]): CommandUnknownOpts {
  const program = new Command('e2b-ts')
    .description('E2B sandboxes from the terminal: create, run commands, move files, drive git. --local runs an E2B-compatible backend on this machine.')
    .version(packageVersion(), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command');
  addGlobalOptions(program);
  const needed = nounsNeeded(argv);
  const noun = (name: string) => {
    const n = NOUNS[name]!;
    return !needed || needed.has(name) ? n.build(ctx) : placeholder(n.meta);
  };
  program
    .addCommand(noun('sandbox'))
    .addCommand(execCommand(ctx))
    .addCommand(runCommand(ctx))
    .addCommand(noun('proc'))
    .addCommand(noun('pty'))
    .addCommand(noun('fs'))
    .addCommand(noun('git'))
    .addCommand(noun('volume'))
    .addCommand(noun('local'))
    .addCommand(noun('auth'))
    .addCommand(completionCommand(ctx, () => program));
  program.addHelpText(
    'after',
    `
Examples:
  $ e2b-ts sandbox create --local
  $ e2b-ts sandbox ls --local
  $ eval "$(e2b-ts local env)"   # point the official E2B SDKs at the local backend

Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 auth, 5 timeout, 6 rate limit/quota, 130 interrupted.`,
  );
  program.hook('preAction', async (_root, action) => {
    ctx.applyGlobals(globalsOf(action));
    await ctx.io.prepareColor();
  });
  configureTree(program, ctx);
  return program;
}
