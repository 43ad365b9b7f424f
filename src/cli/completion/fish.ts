/**
 * fish completion: `complete -c` lines whose conditions ask one helper, which walks
 * `commandline -opc` the way the bash script walks COMP_WORDS, where the command line stands
 * (which command, how many arguments, whether an option waits for its value, whether `--` was
 * typed). fish itself completes option values from each option's `-a` list.
 */
import { childArms } from './bash.js';
import { allCommands, completionTables, header, type CompletionModel, type OptionModel } from './model.js';

/** A single-quoted fish word (fish's single quotes escape \ and '). */
function q(text: string): string {
  return `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/** `case` lines of a fish switch: patterns wrapped when long, then the body. */
function fishCase(patterns: string[], body: string[]): string[] {
  const lines: string[] = [];
  let line = '';
  for (const p of patterns) {
    const next = line === '' ? p : `${line} ${p}`;
    if (line !== '' && next.length > 84) {
      lines.push(`${line} \\`);
      line = p;
    } else {
      line = next;
    }
  }
  lines.push(line);
  return [...lines.map((l, i) => (i === 0 ? `        case ${l}` : `            ${l}`)), ...body.map((b) => `            ${b}`)];
}

/** The `complete` arguments that describe one option (flags, value, description). */
function optionSpec(option: OptionModel): string {
  const parts: string[] = [];
  for (const flag of option.flags) {
    if (flag.startsWith('--')) parts.push(`-l ${flag.slice(2)}`);
    else if (flag.length === 2) parts.push(`-s ${flag.slice(1)}`);
    else parts.push(`-o ${flag.slice(1)}`);
  }
  if (option.takesValue) parts.push('-x');
  if (option.choices.length > 0) parts.push(`-a ${q(option.choices.join(' '))}`);
  if (option.description) parts.push(`-d ${q(option.description)}`);
  return parts.join(' ');
}

export function fishScript(model: CompletionModel): string {
  const t = completionTables(model);
  const p = model.program;
  const h = `__${p.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const out: string[] = [];
  const push = (...lines: string[]): void => void out.push(...lines);

  push(
    header(model, 'fish'),
    '#',
    `# Install: ${p} completion fish > ~/.config/fish/completions/${p}.fish`,
    '',
    `function ${h}_child --argument-names key word --description 'Prints the subcommand of command KEY named WORD (fails if none)'`,
    '    switch "$key|$word"',
  );
  for (const [patterns, child] of childArms(t.children)) push(...fishCase(patterns.map(q), [`echo ${q(child)}`]));
  push(...fishCase(["'*'"], ['return 1']), '    end', 'end', '');

  push(`function ${h}_takes_value --argument-names key flag --description 'Whether FLAG takes a value at command KEY'`, '    switch "$key|$flag"');
  if (t.valueFlags.length > 0)
    push(
      ...fishCase(
        t.valueFlags.map(([k, f]) => q(`${k}|${f}`)),
        ['return 0'],
      ),
    );
  if (t.shadowingFlags.length > 0)
    push(
      ...fishCase(
        t.shadowingFlags.map(([k, f]) => q(`${k}|${f}`)),
        ['return 1'],
      ),
    );
  if (t.globalValueFlags.length > 0)
    push(
      ...fishCase(
        t.globalValueFlags.map((f) => q(`*|${f}`)),
        ['return 0'],
      ),
    );
  push('    end', '    return 1', 'end', '');

  push(
    `# ${h}_state: where the command line before the cursor stands, as three lines: "words" (a`,
    '# subcommand or first argument comes next), "args" (a later argument), "value" (an option waits',
    '# for its value) or "end" (after --); then the key of the command; then that option, or "-".',
    `function ${h}_state`,
    '    set -l key ' + q(p),
    '    set -l positionals 0',
    '    set -l expect -',
    '    for word in (commandline -opc)[2..-1]',
    '        if test "$expect" != -',
    '            set expect -',
    '        else if test "$word" = --',
    `            printf '%s\\n' end $key -`,
    '            return',
    "        else if string match -q -- '--*=*' $word",
    '            continue',
    '        else if string match -q -- \'-*\' $word; and test "$word" != -',
    `            ${h}_takes_value $key $word; and set expect $word`,
    '        else if test $positionals -eq 0; and set -l child (' + h + '_child $key $word)',
    '            set key $child',
    '        else',
    '            set positionals (math $positionals + 1)',
    '        end',
    '    end',
    '    if test "$expect" != -',
    `        printf '%s\\n' value $key $expect`,
    '    else if test $positionals -eq 0',
    `        printf '%s\\n' words $key -`,
    '    else',
    `        printf '%s\\n' args $key -`,
    '    end',
    'end',
    '',
    `# ${h}_wants_word KEY: the next word is a subcommand or the first argument of command KEY`,
    `function ${h}_wants_word --argument-names key`,
    `    set -l state (${h}_state)`,
    '    test "$state[1]" = words -a "$state[2]" = "$key"',
    'end',
    '',
    `# ${h}_at KEY: the command being typed is KEY (and -- was not typed)`,
    `function ${h}_at --argument-names key`,
    `    set -l state (${h}_state)`,
    '    test "$state[1]" != end -a "$state[2]" = "$key"',
    'end',
    '',
    `# ${h}_options_apply: -- was not typed`,
    `function ${h}_options_apply`,
    `    set -l state (${h}_state)`,
    '    test "$state[1]" != end',
    'end',
    '',
    '# no file names: every argument of the CLI is an ID, a name or a fixed value',
    `complete -c ${p} -f`,
    '',
  );

  for (const command of allCommands(model)) {
    const key = [p, ...command.path].join(' ');
    const row = t.commands.find((c) => c.key === key);
    const lines: string[] = [];
    const wants = `-n "${h}_wants_word ${q(key)}"`;
    for (const sub of command.subcommands) {
      for (const word of [sub.name, ...sub.aliases]) {
        lines.push(`complete -c ${p} ${wants} -a ${word}${sub.description ? ` -d ${q(sub.description)}` : ''}`);
      }
    }
    const values = command.positionalChoices.filter((v) => !command.subcommands.some((s) => s.name === v || s.aliases.includes(v)));
    if (values.length > 0) lines.push(`complete -c ${p} ${wants} -a ${q(values.join(' '))}`);
    const at = `-n "${h}_at ${q(key)}"`;
    for (const option of row?.options ?? []) lines.push(`complete -c ${p} ${at} ${optionSpec(option)}`);
    if (lines.length > 0) push(`# ${key}`, ...lines, '');
  }

  push('# global options, valid after any command word');
  for (const option of model.globalOptions) push(`complete -c ${p} -n ${h}_options_apply ${optionSpec(option)}`);
  push('');
  return out.join('\n');
}
