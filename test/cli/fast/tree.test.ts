/**
 * Every verb of the command tree has its fast tests: a `describe('<noun> <verb>')` block in a
 * file of this folder with an "options:" test (flags through the builder's run seam) and a
 * "run:" test (its run logic against the fakes). A new verb without them fails here, so none can
 * skip them. The few verbs whose run logic needs a live terminal or the local daemon are listed,
 * with why, and need the options test only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli/commands/root.js';
import { createContext } from '../../../src/cli/context.js';
import { createTestIO } from '../../helpers/io.js';

/** Verbs tested for their options only, and why their run logic is tested elsewhere. */
const OPTIONS_ONLY: Record<string, string> = {
  'local start': 'starts the local daemon (test/e2e)',
  'local env': 'starts the local daemon when it is not running (test/e2e); its quoting is unit-tested',
  'sandbox connect': "pty attach's builder under another name; pty attach's refusals are run here, its terminal in test/tty",
};

/** The full names of the commands that run (leaves of the tree), `help` left out. */
function verbs(command: CommandUnknownOpts, path: string[] = []): string[] {
  const subs = command.commands.filter((c) => c.name() !== 'help');
  if (subs.length === 0) return [path.join(' ')];
  return subs.flatMap((sub) => verbs(sub, [...path, sub.name()]));
}

const here = dirname(fileURLToPath(import.meta.url));
const sources = readdirSync(here)
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => readFileSync(join(here, f), 'utf8'));

/** The text of `describe('<verb>', …)` up to the next top-level describe, or undefined. */
function block(verb: string): string | undefined {
  for (const text of sources) {
    const at = text.indexOf(`\ndescribe('${verb}',`);
    if (at < 0) continue;
    const end = text.indexOf('\ndescribe(', at + 1);
    return text.slice(at, end < 0 ? undefined : end);
  }
  return undefined;
}

const hasTest = (text: string, kind: 'options' | 'run') => new RegExp(`\\bit(?:\\.each\\([\\s\\S]*?\\))?\\(\\s*['"\`]${kind}:`).test(text);

const all = verbs(buildProgram(createContext({ io: createTestIO().io, env: {} })));

describe('the fast command tests cover the command tree', () => {
  it('finds the verbs (the tree is walked, not listed by hand)', () => {
    expect(all).toContain('sandbox snapshot create');
    expect(all).toContain('git branch ls');
    expect(all).toContain('exec');
    expect(all.length).toBeGreaterThan(60);
  });

  it.each(all)('%s has an options test and a run test', (verb) => {
    const text = block(verb);
    expect(text, `no describe('${verb}', …) in test/cli/fast/*.test.ts`).toBeDefined();
    expect(hasTest(text!, 'options'), `describe('${verb}') has no "options:" test`).toBe(true);
    if (!(verb in OPTIONS_ONLY)) expect(hasTest(text!, 'run'), `describe('${verb}') has no "run:" test (or a reason in OPTIONS_ONLY)`).toBe(true);
  });

  it('lists only verbs that exist as needing no run test', () => {
    for (const verb of Object.keys(OPTIONS_ONLY)) expect(all).toContain(verb);
  });
});
