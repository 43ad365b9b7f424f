/**
 * bash completion: a `complete -F` function that walks COMP_WORDS to find the command being
 * typed (skipping option values), then offers its subcommands, its options plus the global ones,
 * or the fixed values of the option or positional argument being completed. The command tree is
 * compiled into `case` tables; nothing runs the CLI at completion time.
 */
import { completionTables, header, type CompletionModel } from './model.js';

/** A single-quoted POSIX shell word (bash, zsh). */
export function q(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A `case` arm of bash or zsh: on one line when it fits, else patterns wrapped, then the body. */
export function arm(patterns: string[], body: string): string[] {
  const single = `    ${patterns.join(' | ')}) ${body}`;
  if (single.length <= 100) return [single];
  const lines: string[] = [];
  let line = '';
  for (const p of patterns) {
    const next = line === '' ? p : `${line} | ${p}`;
    if (line !== '' && next.length > 90) {
      lines.push(`${line} | \\`);
      line = p;
    } else {
      line = next;
    }
  }
  lines.push(`${line})`);
  return [...lines.map((l, i) => `    ${i === 0 ? '' : '  '}${l}`), `      ${body}`];
}

/** [parent key, word, child key] rows grouped by child: [patterns, child key]. */
export function childArms(children: [string, string, string][]): [string[], string][] {
  const byChild = new Map<string, string[]>();
  for (const [parent, word, child] of children) {
    const list = byChild.get(child) ?? [];
    list.push(`${parent}|${word}`);
    byChild.set(child, list);
  }
  return [...byChild].map(([child, patterns]) => [patterns, child]);
}

/**
 * The two lookups the bash and zsh walks share, as shell functions named after `fn`: `_child`
 * (the subcommand a word names) and `_takes_value` (whether a flag swallows the next word).
 */
export function walkFunctions(fn: string, t: ReturnType<typeof completionTables>): string[] {
  const out: string[] = [];
  const push = (...lines: string[]): void => void out.push(...lines);
  push(`# ${fn}_child KEY WORD: REPLY=the subcommand of command KEY named WORD (fails if none)`, `${fn}_child() {`, '  case "$1|$2" in');
  for (const [patterns, child] of childArms(t.children)) push(...arm(patterns.map(q), `REPLY=${q(child)} ;;`));
  push('    *) return 1 ;;', '  esac', '}', '');

  push(`# ${fn}_takes_value KEY FLAG: whether FLAG takes a value at command KEY`, `${fn}_takes_value() {`, '  case "$1|$2" in');
  if (t.valueFlags.length > 0)
    push(
      ...arm(
        t.valueFlags.map(([k, f]) => q(`${k}|${f}`)),
        'return 0 ;;',
      ),
    );
  if (t.shadowingFlags.length > 0)
    push(
      ...arm(
        t.shadowingFlags.map(([k, f]) => q(`${k}|${f}`)),
        'return 1 ;;',
      ),
    );
  if (t.globalValueFlags.length > 0)
    push(
      ...arm(
        t.globalValueFlags.map((f) => `*${q(`|${f}`)}`),
        'return 0 ;;',
      ),
    );
  push('  esac', '  return 1', '}', '');
  return out;
}

export function bashScript(model: CompletionModel): string {
  const t = completionTables(model);
  const fn = `_${model.program.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const out: string[] = [];
  const push = (...lines: string[]): void => void out.push(...lines);

  push(
    header(model, 'bash'),
    '#',
    `# Install: ${model.program} completion bash > ~/.local/share/bash-completion/completions/${model.program}`,
    `#      or: source <(${model.program} completion bash)   # in ~/.bashrc`,
    '',
  );

  push(...walkFunctions(fn, t));

  push(`# ${fn}_choices KEY FLAG: REPLY=the values of option FLAG at command KEY (fails if free)`, `${fn}_choices() {`, '  case "$1|$2" in');
  for (const [k, f, choices] of t.choices) push(...arm([q(`${k}|${f}`)], `REPLY=${q(choices.join(' '))} ;;`));
  for (const [k, f] of t.shadowingFlags) push(...arm([q(`${k}|${f}`)], 'return 1 ;;'));
  for (const [f, choices] of t.globalChoices) push(...arm([`*${q(`|${f}`)}`], `REPLY=${q(choices.join(' '))} ;;`));
  push('    *) return 1 ;;', '  esac', '}', '');

  push(`# ${fn}_words KEY: REPLY=the subcommands of command KEY, or the values of its first argument`, `${fn}_words() {`, '  case "$1" in');
  for (const c of t.commands) if (c.words.length > 0) push(...arm([q(c.key)], `REPLY=${q(c.words.join(' '))} ;;`));
  push("    *) REPLY='' ;;", '  esac', '}', '');

  const globalFlags = model.globalOptions.flatMap((o) => o.flags);
  push(`# ${fn}_options KEY: REPLY=the options of command KEY, the global ones included`, `${fn}_options() {`, '  case "$1" in');
  for (const c of t.commands) {
    const flags = c.options.flatMap((o) => o.flags);
    if (flags.length > 0) push(...arm([q(c.key)], `REPLY=${q(flags.join(' '))} ;;`));
  }
  push("    *) REPLY='' ;;", '  esac', `  REPLY+=${q(` ${globalFlags.join(' ')}`)}`, '}', '');

  push(
    `# ${fn}_reply WORDS CURRENT [PREFIX]: adds the WORDS that start with CURRENT to COMPREPLY`,
    `${fn}_reply() {`,
    '  local w',
    '  while IFS= read -r w; do',
    '    [[ -n $w ]] && COMPREPLY+=("${3-}$w")',
    '  done < <(compgen -W "$1" -- "$2")',
    '}',
    '',
    `${fn}() {`,
    '  local cur=${COMP_WORDS[COMP_CWORD]-} key=' + q(model.program) + " word expect='' REPLY i",
    '  local -i positionals=0',
    '  COMPREPLY=()',
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    '    word=${COMP_WORDS[i]-}',
    '    if [[ -n $expect ]]; then',
    '      # bash splits "--opt=value" at "=" (COMP_WORDBREAKS): that "=" is not the value yet',
    "      [[ $word == '=' ]] || expect=''",
    '      continue',
    '    fi',
    '    case $word in',
    '      --) return 0 ;; # everything after -- is an argument: offer nothing',
    '      --*=*) ;;',
    `      -?*) ${fn}_takes_value "$key" "$word" && expect=$word ;;`,
    '      *)',
    `        if ((positionals == 0)) && ${fn}_child "$key" "$word"; then`,
    '          key=$REPLY',
    '        else',
    '          positionals+=1',
    '        fi',
    '        ;;',
    '    esac',
    '  done',
    '',
    '  if [[ -n $expect ]]; then',
    "    [[ $cur == '=' ]] && cur=''",
    `    ${fn}_choices "$key" "$expect" && ${fn}_reply "$REPLY" "$cur"`,
    '    return 0',
    '  fi',
    '  case $cur in',
    '    --*=*)',
    `      ${fn}_choices "$key" "\${cur%%=*}" && ${fn}_reply "$REPLY" "\${cur#*=}" "\${cur%%=*}="`,
    '      ;;',
    '    -*)',
    `      ${fn}_options "$key"`,
    `      ${fn}_reply "$REPLY" "$cur"`,
    '      ;;',
    '    *)',
    '      if ((positionals == 0)); then',
    `        ${fn}_words "$key"`,
    `        ${fn}_reply "$REPLY" "$cur"`,
    '      fi',
    '      ;;',
    '  esac',
    '  return 0',
    '}',
    '',
    `complete -F ${fn} ${model.program}`,
    '',
  );
  return out.join('\n');
}
