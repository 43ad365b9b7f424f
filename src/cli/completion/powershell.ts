/**
 * PowerShell completion: a native argument completer. It walks the command's elements before
 * the cursor the way the bash script walks COMP_WORDS, then returns CompletionResult objects for
 * subcommands, options (plus the global ones) or fixed values, with descriptions as tooltips.
 * Lookups are case-sensitive, as the CLI is.
 */
import { allCommands, completionTables, header, type CompletionModel } from './model.js';

/** A single-quoted PowerShell string (PowerShell also takes the typographic quotes as quotes). */
function q(text: string): string {
  return `'${text.replace(/['\u2018\u2019\u201a\u201b]/g, (c) => c + c)}'`;
}

/** `@('a', 'b')`, wrapped when long. */
function list(items: string[], indent: string): string {
  const one = `@(${items.map(q).join(', ')})`;
  if (one.length + indent.length <= 100) return one;
  return `@(\n${items.map((i) => `${indent}    ${q(i)}`).join('\n')}\n${indent})`;
}

export function powershellScript(model: CompletionModel): string {
  const t = completionTables(model);
  const p = model.program;
  const i = '    ';
  const out: string[] = [];
  const push = (...lines: string[]): void => void out.push(...lines);

  push(
    header(model, 'powershell'),
    '#',
    `# Install: ${p} completion powershell | Out-String | Invoke-Expression   # in $PROFILE`,
    '',
    `Register-ArgumentCompleter -Native -CommandName ${q(p)} -ScriptBlock {`,
    `${i}param($wordToComplete, $commandAst, $cursorPosition)`,
    '',
    `${i}$ordinal = [System.StringComparer]::Ordinal`,
    `${i}# "KEY|WORD" -> the subcommand of command KEY named WORD`,
    `${i}$children = [System.Collections.Generic.Dictionary[string, string]]::new($ordinal)`,
  );
  for (const [parent, word, child] of t.children) push(`${i}$children[${q(`${parent}|${word}`)}] = ${q(child)}`);

  push(
    '',
    `${i}# "KEY|FLAG" of the options that take a value ("*|FLAG": global options)`,
    `${i}$valueFlags = [System.Collections.Generic.HashSet[string]]::new($ordinal)`,
  );
  for (const [k, f] of t.valueFlags) push(`${i}[void]$valueFlags.Add(${q(`${k}|${f}`)})`);
  for (const f of t.globalValueFlags) push(`${i}[void]$valueFlags.Add(${q(`*|${f}`)})`);
  push(
    `${i}# "KEY|FLAG" of own options without a value that share a flag with a global option`,
    `${i}$ownFlags = [System.Collections.Generic.HashSet[string]]::new($ordinal)`,
  );
  for (const [k, f] of t.shadowingFlags) push(`${i}[void]$ownFlags.Add(${q(`${k}|${f}`)})`);

  push(
    '',
    `${i}# "KEY|FLAG" -> the values of an option ("*|FLAG": global options)`,
    `${i}$choices = [System.Collections.Generic.Dictionary[string, string[]]]::new($ordinal)`,
  );
  for (const [k, f, c] of t.choices) push(`${i}$choices[${q(`${k}|${f}`)}] = ${list(c, i)}`);
  for (const [f, c] of t.globalChoices) push(`${i}$choices[${q(`*|${f}`)}] = ${list(c, i)}`);

  push(
    '',
    `${i}# KEY -> the subcommands of command KEY, or the values of its first argument`,
    `${i}$words = [System.Collections.Generic.Dictionary[string, string[]]]::new($ordinal)`,
  );
  for (const c of t.commands) if (c.words.length > 0) push(`${i}$words[${q(c.key)}] = ${list(c.words, i)}`);

  // PowerShell drops a bare --, so `e2b-ts exec ID ls -la` is how a command is typed there: past
  // the command's first word, every word is the remote command's and nothing of ours is offered.
  push('', `${i}# KEY -> how many of its own words come before the command it runs (exec: the sandbox ID)`);
  push(`${i}$commandAfter = [System.Collections.Generic.Dictionary[string, int]]::new($ordinal)`);
  for (const command of allCommands(model)) {
    if (command.commandAfter !== undefined) push(`${i}$commandAfter[${q([p, ...command.path].join(' '))}] = ${command.commandAfter}`);
  }

  push(
    '',
    `${i}# KEY -> the options of command KEY ("*": the global ones)`,
    `${i}$options = [System.Collections.Generic.Dictionary[string, string[]]]::new($ordinal)`,
  );
  for (const c of t.commands) {
    const flags = c.options.flatMap((o) => o.flags);
    if (flags.length > 0) push(`${i}$options[${q(c.key)}] = ${list(flags, i)}`);
  }
  const globals = model.globalOptions;
  push(
    `${i}$options['*'] = ${list(
      globals.flatMap((o) => o.flags),
      i,
    )}`,
  );

  push(
    '',
    `${i}# "KEY|WORD" -> description of a subcommand or option ("*|FLAG": global options)`,
    `${i}$tips = [System.Collections.Generic.Dictionary[string, string]]::new($ordinal)`,
  );
  for (const command of allCommands(model)) {
    const key = [p, ...command.path].join(' ');
    for (const s of command.subcommands) {
      for (const w of [s.name, ...s.aliases]) if (s.description) push(`${i}$tips[${q(`${key}|${w}`)}] = ${q(s.description)}`);
    }
    const row = t.commands.find((c) => c.key === key);
    for (const o of row?.options ?? []) for (const f of o.flags) if (o.description) push(`${i}$tips[${q(`${key}|${f}`)}] = ${q(o.description)}`);
  }
  for (const o of globals) for (const f of o.flags) if (o.description) push(`${i}$tips[${q(`*|${f}`)}] = ${q(o.description)}`);

  push(
    '',
    `${i}function Test-TakesValue([string]$key, [string]$flag) {`,
    `${i}${i}if ($valueFlags.Contains("$key|$flag")) { return $true }`,
    `${i}${i}if ($ownFlags.Contains("$key|$flag")) { return $false }`,
    `${i}${i}return $valueFlags.Contains("*|$flag")`,
    `${i}}`,
    `${i}function Get-Choices([string]$key, [string]$flag) {`,
    `${i}${i}if ($choices.ContainsKey("$key|$flag")) { return $choices["$key|$flag"] }`,
    `${i}${i}if ($ownFlags.Contains("$key|$flag")) { return @() }`,
    `${i}${i}if ($choices.ContainsKey("*|$flag")) { return $choices["*|$flag"] }`,
    `${i}${i}return @()`,
    `${i}}`,
    '',
    `${i}# walk the words before the one being completed`,
    `${i}$key = ${q(p)}`,
    `${i}$positionals = 0`,
    `${i}$expect = $null`,
    `${i}foreach ($element in @($commandAst.CommandElements | Select-Object -Skip 1)) {`,
    `${i}${i}if ($element.Extent.EndOffset -ge $cursorPosition) { break }`,
    `${i}${i}$word = if ($element -is [System.Management.Automation.Language.StringConstantExpressionAst]) { $element.Value } else { $element.Extent.Text }`,
    `${i}${i}if ($null -ne $expect) { $expect = $null; continue }`,
    `${i}${i}# everything after -- is an argument: offer nothing ('' also stops file name completion)`,
    `${i}${i}if ($word -ceq '--') { return '' }`,
    `${i}${i}if ($word -clike '--*=*') { continue }`,
    `${i}${i}if ($word -clike '-?*') {`,
    `${i}${i}${i}if (Test-TakesValue $key $word) { $expect = $word }`,
    `${i}${i}${i}continue`,
    `${i}${i}}`,
    `${i}${i}if ($positionals -eq 0 -and $children.ContainsKey("$key|$word")) { $key = $children["$key|$word"] } else { $positionals++ }`,
    `${i}${i}# the word before the cursor started the remote command (exec ID ls ...): it takes it all`,
    `${i}${i}if ($commandAfter.ContainsKey($key) -and $positionals -gt $commandAfter[$key]) { return '' }`,
    `${i}}`,
    '',
    `${i}$results = [System.Collections.Generic.List[System.Management.Automation.CompletionResult]]::new()`,
    `${i}function Add-Result([string]$text, [string]$type, [string]$tipKey) {`,
    `${i}${i}if (-not $text.StartsWith($wordToComplete, [System.StringComparison]::Ordinal)) { return }`,
    `${i}${i}$tip = $null`,
    `${i}${i}if (-not $tips.TryGetValue($tipKey, [ref]$tip) -or -not $tip) { $tip = $text }`,
    `${i}${i}$results.Add([System.Management.Automation.CompletionResult]::new($text, $text, $type, $tip))`,
    `${i}}`,
    '',
    `${i}if ($null -ne $expect) {`,
    `${i}${i}foreach ($value in (Get-Choices $key $expect)) { Add-Result $value 'ParameterValue' '' }`,
    `${i}} elseif ($wordToComplete -clike '--*=*') {`,
    `${i}${i}$flag = $wordToComplete.Substring(0, $wordToComplete.IndexOf('='))`,
    `${i}${i}foreach ($value in (Get-Choices $key $flag)) { Add-Result "$flag=$value" 'ParameterValue' '' }`,
    `${i}} elseif ($wordToComplete -clike '-*') {`,
    `${i}${i}if ($options.ContainsKey($key)) {`,
    `${i}${i}${i}foreach ($flag in $options[$key]) { Add-Result $flag 'ParameterName' "$key|$flag" }`,
    `${i}${i}}`,
    `${i}${i}foreach ($flag in $options['*']) { Add-Result $flag 'ParameterName' "*|$flag" }`,
    `${i}} elseif ($positionals -eq 0 -and $words.ContainsKey($key)) {`,
    `${i}${i}foreach ($word in $words[$key]) { Add-Result $word 'ParameterValue' "$key|$word" }`,
    `${i}}`,
    `${i}if ($results.Count -eq 0) { return '' }`,
    `${i}$results`,
    '}',
    '',
  );
  return out.join('\n');
}
