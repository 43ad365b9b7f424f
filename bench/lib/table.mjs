/**
 * Result tables: what every suite returns, printed to the terminal and appended to RESULTS.md.
 *
 *   {
 *     title: 'Start-up',
 *     description?: 'one paragraph',
 *     columns: [{ key: 'command', label: 'command', align?: 'left' | 'right' }],
 *     rows: [{ command: 'node -e 0', ... }],         // cell values are strings (use fmt*)
 *     checks?: [{ label, value, target, pass }],      // pass: true | false | null (not measured)
 *     notes?: ['free text'],
 *   }
 */

import { ratio } from './stats.mjs';

export const NA = 'n/a';

export function fmtMs(ms) {
  if (!Number.isFinite(ms)) return NA;
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

export function fmtMiB(kib) {
  return Number.isFinite(kib) ? (kib / 1024).toFixed(1) : NA;
}

export function fmtRatio(r) {
  return Number.isFinite(r) ? `${r.toFixed(2)}x` : '';
}

/**
 * A "vs" cell: `stat` of a row over `stat` of a reference row (the reference itself shows
 * 1.00x). A reference that is missing or failed shows `missing`.
 */
export function vsCell(result, reference, stat, missing = NA) {
  if (result === reference) return '1.00x';
  return reference?.ok ? fmtRatio(ratio(stat(result), stat(reference))) : missing;
}

/** Notes for measured rows that failed (their cells say `failed*`). */
export function failures(results) {
  return results.filter((r) => !r.ok).map((r) => `* ${r.label} failed: n/a: ${r.error}`);
}

export function passMark(pass) {
  return pass === true ? 'PASS' : pass === false ? 'FAIL' : 'n/a';
}

function checkLine(c) {
  return `${passMark(c.pass)}  ${c.label}: ${c.value} (target ${c.target})`;
}

/** Plain-text rendering for the terminal. */
export function renderText(table) {
  const cols = table.columns;
  const cells = table.rows.map((row) => cols.map((c) => String(row[c.key] ?? '')));
  const widths = cols.map((c, i) => Math.max(c.label.length, ...cells.map((r) => r[i].length)));
  const line = (values) =>
    values
      .map((v, i) => (cols[i].align === 'right' ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const out = [`== ${table.title} ==`];
  if (table.description) out.push(table.description);
  out.push(line(cols.map((c) => c.label)));
  out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells) out.push(line(r));
  for (const c of table.checks ?? []) out.push(checkLine(c));
  for (const n of table.notes ?? []) out.push(`note: ${n}`);
  return out.join('\n');
}

const mdCell = (v) =>
  String(v ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');

/** Markdown rendering for RESULTS.md. */
export function renderMarkdown(table) {
  const cols = table.columns;
  const out = [`### ${table.title}`, ''];
  if (table.description) out.push(table.description, '');
  out.push(`| ${cols.map((c) => mdCell(c.label)).join(' | ')} |`);
  out.push(`|${cols.map((c) => (c.align === 'right' ? ' ---: ' : ' --- ')).join('|')}|`);
  for (const row of table.rows) out.push(`| ${cols.map((c) => mdCell(row[c.key])).join(' | ')} |`);
  if (table.checks?.length) {
    out.push('');
    for (const c of table.checks) out.push(`- **${passMark(c.pass)}** ${c.label}: ${c.value} (target ${c.target})`);
  }
  if (table.notes?.length) {
    out.push('');
    for (const n of table.notes) out.push(`- ${n}`);
  }
  out.push('');
  return out.join('\n');
}
