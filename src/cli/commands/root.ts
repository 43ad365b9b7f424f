/**
 * The command tree: global options, the nouns, and commander configured for an injected
 * Context (output through ctx.io, errors thrown instead of process.exit).
 */
import { Command, Option } from 'commander';
import { packageVersion } from '../../version.js';
import type { Context, GlobalOptions } from '../context.js';
import { completionCommand } from './completion.js';
import { execCommand } from './exec.js';
import { fsCommand } from './fs/index.js';
import { procCommand } from './proc/index.js';
import { ptyCommand } from './pty/index.js';
import { runCommand } from './run.js';
import { localCommand } from './local/index.js';
import { sandboxCommand } from './sandbox/index.js';

/** Adds the global options (they work before or after the command words). */
function addGlobalOptions(program: Command): Command {
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
export function globalsOf(command: Command): GlobalOptions {
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
function configureTree(command: Command, ctx: Context): void {
  command
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
      // one line per error: commander puts its suggestion on a line of its own
      outputError: (s, write) => write(`${s.trim().replace(/\s*\n\s*/g, ' ')}\n`),
      getOutHelpWidth: () => ctx.io.terminalWidth() ?? 100,
      getErrHelpWidth: () => 100,
    });
  for (const sub of command.commands) configureTree(sub, ctx);
}

export function buildProgram(ctx: Context): Command {
  const program = new Command('e2b-ts')
    .description(
      'E2B sandboxes from the terminal: create, run commands, move files. --local runs an E2B-compatible backend on this machine.',
    )
    .version(packageVersion(), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command');
  addGlobalOptions(program);
  program.addCommand(sandboxCommand(ctx)).addCommand(execCommand(ctx)).addCommand(runCommand(ctx)).addCommand(procCommand(ctx)).addCommand(ptyCommand(ctx)).addCommand(fsCommand(ctx)).addCommand(localCommand(ctx)).addCommand(completionCommand(ctx, () => program));
  program.addHelpText(
    'after',
    `
Examples:
  $ e2b-ts sandbox create --local
  $ e2b-ts sandbox ls --local
  $ eval "$(e2b-ts local env)"   # point the official E2B SDKs at the local backend

Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 auth, 5 timeout, 6 rate limit/quota, 130 interrupted.`,
  );
  program.hook('preAction', (_root, action) => ctx.applyGlobals(globalsOf(action)));
  configureTree(program, ctx);
  return program;
}
