/**
 * Every command's `--help` text as the full CLI prints it through a pipe (wrapped at HELP_WIDTH),
 * for quick.ts to answer `e2b-ts sandbox ls --help` without the command tree: the build runs
 * this in the bundled CLI and embeds the result (scripts/build.mjs), and a test compares each
 * text with what the full CLI prints.
 */
import { Writable } from 'node:stream';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { buildProgram } from './commands/root.js';
import { createContext } from './context.js';
import { createIO } from './io.js';

/** One command's help (`h`), its subcommands by name (`c`) and their aliases (`a`: alias → name). */
export interface HelpNode {
  h: string;
  c?: Record<string, HelpNode>;
  a?: Record<string, string>;
}

/** The help texts of the whole command tree, the program's at the root. */
export function helpTree(): HelpNode {
  let text = '';
  const capture = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  const stdin = new Writable() as unknown as Parameters<typeof createIO>[0]['stdin'];
  const io = createIO({ stdin, stdout: capture, stderr: new Writable({ write: (_c, _e, cb) => cb() }) }, { NO_COLOR: '1' }, { stdinIsTTY: false });
  const program = buildProgram(createContext({ io, env: {} }));
  const walk = (command: CommandUnknownOpts): HelpNode => {
    text = '';
    // what `--help` does before it exits
    command.outputHelp();
    const node: HelpNode = { h: text };
    const children: Record<string, HelpNode> = {};
    const aliases: Record<string, string> = {};
    for (const sub of command.commands) {
      children[sub.name()] = walk(sub);
      for (const alias of sub.aliases()) aliases[alias] = sub.name();
    }
    if (command.commands.length > 0) node.c = children;
    if (Object.keys(aliases).length > 0) node.a = aliases;
    return node;
  };
  return walk(program);
}
