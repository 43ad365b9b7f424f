/**
 * Flags that several verbs share, each defined once: its name, its value placeholder and the
 * parser that turns what was typed into the value a verb's options get. A verb adds one with
 * `.addOption(userOption('…'))`, giving only the words of its help line that differ (what the
 * user does in *this* verb); the rest cannot drift between verbs.
 *
 * Parsers throw UsageError (exit 2) with the message the design's bad-input table expects; they
 * run while commander parses, so a bad value is refused before any work starts.
 */
import { Option } from '@commander-js/extra-typings';
import { parseChoiceList, parseInteger, parseKeyValue, parsePositiveDuration } from './parse.js';

/** Commander reducer for repeatable flags (`--allow-out a --allow-out b`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A reducer for repeatable `KEY=VALUE` flags, into one record (a later KEY wins). */
function keyValues(what: string): (value: string, previous?: Record<string, string>) => Record<string, string> {
  return (value, previous) => {
    const [key, item] = parseKeyValue(value, what);
    return { ...(previous ?? {}), [key]: item };
  };
}

/** `--user <user>`: the sandbox user a verb acts as (envd's Basic auth user). */
export function userOption(description = 'sandbox user: user or root (default: user)') {
  return new Option('--user <user>', description);
}

/** `--cwd <dir>`: the working directory of a process in the sandbox. */
export function cwdOption(description = "working directory (default: the user's home)") {
  return new Option('--cwd <dir>', description);
}

/** `--env KEY=VALUE` (repeatable): environment variables, as a record. */
export function envOption(description = 'environment variable (repeatable)') {
  return new Option('--env <KEY=VALUE>', description).argParser(keyValues('--env'));
}

/** `--metadata key=value` (repeatable): sandbox labels to set or to filter by, as a record. */
export function metadataOption(description = 'label the sandbox (repeatable)') {
  return new Option('--metadata <key=value>', description).argParser(keyValues('metadata'));
}

/**
 * `--timeout <duration>` of a command in the sandbox (exec, run, git): milliseconds; absent means
 * no limit (a long build takes as long as it takes; Ctrl-C stops it).
 */
export function commandTimeoutOption(description = 'kill the command after this long (default: no limit)') {
  return new Option('--timeout <duration>', description).argParser((value) => parsePositiveDuration(value, 'timeout'));
}

/**
 * `--timeout <duration>` of a sandbox's lifetime (create, resume): milliseconds.
 * @default 5 minutes, E2B's default lifetime: long enough to work in, short enough that a
 * forgotten sandbox does not run up a bill.
 */
export function lifetimeOption(description: string) {
  return new Option('--timeout <duration>', description).default(300_000, '5m').argParser((value) => parsePositiveDuration(value, 'timeout'));
}

/** `--allow-out <target>` (repeatable): an egress target allowed even where --deny-out covers it. */
export function allowOutOption(description = 'IP, CIDR or domain allowed even where --deny-out covers it (repeatable)') {
  return new Option('--allow-out <target>', description).argParser(collect);
}

/** `--deny-out <target>` (repeatable): an egress target the sandbox may not reach. */
export function denyOutOption(description = 'IP or CIDR the sandbox may not reach; 0.0.0.0/0 is all traffic (repeatable)') {
  return new Option('--deny-out <target>', description).argParser(collect);
}

/** `--volume <name:/path>` (repeatable): volume mounts of a new sandbox (parsed by parseVolumeMounts). */
export function volumeOption(description = 'mount a volume read-write at a path (repeatable)') {
  return new Option('--volume <name:/path>', description).argParser(collect);
}

/** The states a sandbox listing can be narrowed to. */
export const SANDBOX_STATES = ['running', 'paused'] as const;

/** `--state <states>`: a comma-separated list of sandbox states. */
export function stateOption(description = 'only these states, comma-separated: running,paused') {
  return new Option('--state <states>', description).argParser((value) => parseChoiceList(value, '--state', SANDBOX_STATES));
}

/** `--limit <n>`: at most n items of a listing. */
export function limitOption(description: string) {
  return new Option('--limit <n>', description).argParser((value) => parseInteger(value, '--limit', 1));
}

/** `--shell <command line>`: a shell command line instead of the words after `--` (exec, run). */
export function shellOption(description = 'run a shell command line instead of the words after --') {
  return new Option('--shell <command line>', description);
}

/** `--stream`: with --json, one JSON event per line as output arrives (exec, run). */
export function streamOption(description: string) {
  return new Option('--stream', description).default(false);
}

/** `--depth <n>`: how many levels of folders a listing descends (1 to 64). */
export function depthOption(description: string) {
  return new Option('--depth <n>', description).default(1, '1').argParser((value) => parseInteger(value, '--depth', 1, 64));
}
