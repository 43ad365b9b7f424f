/**
 * zsh completion: a native `#compdef` function (no bashcompinit). It walks `$words` up to
 * `$CURRENT` the same way the bash script walks COMP_WORDS, then adds subcommands, options
 * (with descriptions) or fixed values with `compadd`. Works both autoloaded from `$fpath` and
 * sourced after compinit.
 */
import { arm, q, walkFunctions } from './bash.js';
import { allCommands, completionTables, header, padTo, type CompletionModel, type OptionModel } from './model.js';

/** `word  -- description` lines for compadd -d, aligned with `pad`. */
function displays(entries: [string, string][], pad: (w: string) => string): string[] {
  return entries.map(([word, description]) => (description ? `${pad(word)}  -- ${description}` : word));
}

function optionEntries(options: OptionModel[]): [string, string][] {
  return options.flatMap((o) => o.flags.map((f): [string, string] => [f, o.description]));
}

/** `name=(...)` with one quoted element a line. */
function arrayLines(name: string, items: string[], indent: string): string[] {
  if (items.length === 0) return [`${indent}${name}=()`];
  return [`${indent}${name}=(`, ...items.map((i) => `${indent}  ${q(i)}`), `${indent})`];
}

export function zshScript(model: CompletionModel): string {
  const t = completionTables(model);
  const fn = `_${model.program}`;
  const h = `_${model.program.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const out: string[] = [];
  const push = (...lines: string[]): void => void out.push(...lines);

  push(
    `#compdef ${model.program}`,
    header(model, 'zsh'),
    '#',
    `# Install: ${model.program} completion zsh > "\${fpath[1]}/${fn}"   # then start a new shell`,
    `#      or: source <(${model.program} completion zsh)   # in ~/.zshrc, after compinit`,
    '',
  );

  push(...walkFunctions(h, t));

  push(`# ${h}_choices KEY FLAG: reply=the values of option FLAG at command KEY (fails if free)`, `${h}_choices() {`, '  case "$1|$2" in');
  for (const [k, f, choices] of t.choices) push(...arm([q(`${k}|${f}`)], `reply=(${choices.join(' ')}) ;;`));
  for (const [k, f] of t.shadowingFlags) push(...arm([q(`${k}|${f}`)], 'return 1 ;;'));
  for (const [f, choices] of t.globalChoices) push(...arm([`*${q(`|${f}`)}`], `reply=(${choices.join(' ')}) ;;`));
  push('    *) return 1 ;;', '  esac', '}', '');

  // descriptions of subcommands, by parent
  const subDescription = new Map<string, Map<string, string>>();
  for (const c of allCommands(model)) {
    const m = new Map<string, string>();
    for (const s of c.subcommands) for (const w of [s.name, ...s.aliases]) m.set(w, s.description);
    subDescription.set([model.program, ...c.path].join(' '), m);
  }
  push(
    `# ${h}_words KEY: reply=the subcommands of command KEY or the values of its first argument, descr=their descriptions (if any)`,
    `${h}_words() {`,
    '  case "$1" in',
  );
  for (const c of t.commands) {
    if (c.words.length === 0) continue;
    const m = subDescription.get(c.key) ?? new Map<string, string>();
    const pad = padTo(c.words);
    push(`    ${q(c.key)})`, `      reply=(${c.words.join(' ')})`);
    const described = c.words.some((w) => m.get(w));
    push(
      ...arrayLines(
        'descr',
        described
          ? displays(
              c.words.map((w) => [w, m.get(w) ?? '']),
              pad,
            )
          : [],
        '      ',
      ),
      '      ;;',
    );
  }
  push('    *) reply=() descr=() ;;', '  esac', '}', '');

  const allFlags = [...model.globalOptions, ...t.commands.flatMap((c) => c.options)].flatMap((o) => o.flags);
  const optPad = padTo(allFlags);
  push(`# ${h}_options KEY: reply=the options of command KEY (not the global ones), descr=their descriptions`, `${h}_options() {`, '  case "$1" in');
  for (const c of t.commands) {
    if (c.options.length === 0) continue;
    const entries = optionEntries(c.options);
    push(`    ${q(c.key)})`, `      reply=(${entries.map(([f]) => f).join(' ')})`);
    push(...arrayLines('descr', displays(entries, optPad), '      '), '      ;;');
  }
  push('    *) reply=() descr=() ;;', '  esac', '}', '');

  const globals = optionEntries(model.globalOptions);
  push(`# ${h}_global_options: reply=the global options, valid after any command word, descr=their descriptions`, `${h}_global_options() {`);
  push(`  reply=(${globals.map(([f]) => f).join(' ')})`, ...arrayLines('descr', displays(globals, optPad), '  '), '}', '');

  push(
    `${fn}() {`,
    '  emulate -L zsh',
    `  local key=${q(model.program)} word expect='' REPLY`,
    '  local -a reply descr',
    '  integer i positionals=0',
    '  for (( i = 2; i < CURRENT; i++ )); do',
    '    word=$words[i]',
    '    if [[ -n $expect ]]; then',
    "      expect=''",
    '      continue',
    '    fi',
    '    case $word in',
    '      (--) return 1 ;; # everything after -- is an argument: offer nothing',
    '      (--*=*) ;;',
    `      (-?*) ${h}_takes_value $key $word && expect=$word ;;`,
    '      (*)',
    `        if (( positionals == 0 )) && ${h}_child $key $word; then`,
    '          key=$REPLY',
    '        else',
    '          (( ++positionals ))',
    '        fi',
    '        ;;',
    '    esac',
    '  done',
    '',
    '  if [[ -n $expect ]]; then',
    `    ${h}_choices $key $expect || return 1`,
    '    compadd -a reply',
    '    return',
    '  fi',
    '  case $PREFIX in',
    '    (--*=*)',
    `      ${h}_choices $key \${PREFIX%%=*} || return 1`,
    "      compset -P '*='",
    '      compadd -a reply',
    '      ;;',
    '    (-*)',
    `      ${h}_options $key`,
    '      compadd -l -d descr -a reply',
    `      ${h}_global_options`,
    '      compadd -l -d descr -a reply',
    '      ;;',
    '    (*)',
    '      (( positionals == 0 )) || return 1',
    `      ${h}_words $key`,
    '      if (( $#descr )); then',
    '        compadd -l -d descr -a reply',
    '      else',
    '        compadd -a reply',
    '      fi',
    '      ;;',
    '  esac',
    '}',
    '',
    '# autoloaded from $fpath: complete now; sourced: register',
    'if [[ $zsh_eval_context[-1] == loadautofunc ]]; then',
    `  ${fn} "$@"`,
    'else',
    `  compdef ${fn} ${model.program}`,
    'fi',
    '',
  );
  return out.join('\n');
}
