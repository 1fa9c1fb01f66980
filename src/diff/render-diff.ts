// Rendering a ReportDiff: `table` for terminals, `json` for scripts, `markdown` for PR comments.
// Subjects and messages come from DNS and servers: sanitized for the terminal, escaped for Markdown.
import { Chalk, type ChalkInstance } from 'chalk';
import { mdCode, mdText } from '../report/markdown-text.ts';
import { sanitizeRemoteText } from '../util/sanitize.ts';
import type { CheckChange, DomainDiff, FindingChange, ReportDiff } from './diff-reports.ts';

export const DIFF_FORMATS = ['table', 'json', 'markdown'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

const clean = sanitizeRemoteText;

function scoreLine(d: DomainDiff): string {
  const { old, new: next, delta } = d.score;
  const show = (n: number | null): string => (n === null ? 'none' : String(n));
  if (d.presence === 'added') return `score ${show(next)}`;
  if (d.presence === 'removed') return `score was ${show(old)}`;
  return `score ${show(old)} -> ${show(next)}${delta !== null && delta !== 0 ? ` (${delta > 0 ? '+' : ''}${delta})` : ''}`;
}

function summaryLine(diff: ReportDiff): string {
  const s = diff.summary;
  return `${s.worse} worse, ${s.better} better, ${s.changed} changed, ${s.added} added, ${s.removed} removed checks; ` +
    `${s.newFindings} new and ${s.resolvedFindings} resolved findings. ${diff.worse ? 'Something got worse (exit 1).' : 'Nothing got worse.'}`;
}

const CHECK_MARK: Record<CheckChange['change'], string> = { better: '✔', worse: '✖', changed: '~', added: '+', removed: '-' };
const FINDING_MARK: Record<FindingChange['change'], string> = { resolved: '✔', better: '✔', new: '✖', worse: '✖' };

function paintChange(chalk: ChalkInstance, change: string, text: string): string {
  if (change === 'worse' || change === 'new') return chalk.red(text);
  if (change === 'better' || change === 'resolved') return chalk.green(text);
  return chalk.yellow(text);
}

function severities(f: FindingChange): string {
  if (f.change === 'new') return f.new!;
  if (f.change === 'resolved') return f.old!;
  return `${f.old} -> ${f.new}`;
}

export function renderDiffTable(diff: ReportDiff, color: boolean): string {
  const chalk = new Chalk({ level: color ? 1 : 0 });
  const out = [chalk.bold(`smtp-audit diff: ${clean(diff.old.file)} (${diff.old.startedAt ?? '-'}) -> ${clean(diff.new.file)} (${diff.new.startedAt ?? '-'})`)];
  const width = Math.max(0, ...diff.domains.flatMap((d) => d.checks.map((c) => c.id.length)));
  for (const d of diff.domains) {
    out.push('');
    if (d.presence !== 'both') {
      out.push(`${chalk.bold(clean(d.domain))}  ${d.presence === 'added' ? `added (not in ${clean(diff.old.file)})` : `removed (not in ${clean(diff.new.file)})`}, ${scoreLine(d)}`);
      continue;
    }
    const unchanged = d.checks.length === 0 && d.findings.length === 0;
    out.push(`${chalk.bold(clean(d.domain))}  ${scoreLine(d)}${unchanged ? chalk.gray('  unchanged') : ''}`);
    for (const c of d.checks) {
      const statuses = c.change === 'added' ? c.new! : c.change === 'removed' ? c.old! : `${c.old} -> ${c.new}`;
      out.push(`  ${paintChange(chalk, c.change, `${CHECK_MARK[c.change]} ${c.change.padEnd(8)}`)} ${c.id.padEnd(width)}  ${statuses}`);
    }
    for (const f of d.findings) {
      out.push(`  ${paintChange(chalk, f.change, `${FINDING_MARK[f.change]} ${f.change.padEnd(8)}`)} ${severities(f).padEnd(4)} ${f.code} ${chalk.bold(clean(f.subject))}: ${clean(f.message)}`);
    }
  }
  out.push('', `${chalk.bold('Summary:')} ${summaryLine(diff)}`);
  return `${out.join('\n')}\n`;
}

export function renderDiffMarkdown(diff: ReportDiff): string {
  const out = [`## smtp-audit diff: ${diff.worse ? '❌ something got worse' : '✅ nothing got worse'}`, '', `${mdCode(diff.old.file)} (${diff.old.startedAt ?? '-'}) → ${mdCode(diff.new.file)} (${diff.new.startedAt ?? '-'})`, '', mdText(summaryLine(diff))];
  out.push('', '| Domain | Score | Worse | Better | Changed | New findings | Resolved findings |', '| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const d of diff.domains) {
    const n = (change: string): number => d.checks.filter((c) => c.change === change).length;
    const score = mdText(d.presence === 'both' ? scoreLine(d).replace(/^score /, '') : `${d.presence}: ${scoreLine(d)}`).replace(' -\\> ', ' → ');
    out.push(`| ${mdText(d.domain)} | ${score} | ${n('worse')} | ${n('better')} | ${n('changed')} | ${d.findings.filter((f) => f.change === 'new').length} | ${d.findings.filter((f) => f.change === 'resolved').length} |`);
  }
  for (const d of diff.domains.filter((x) => x.checks.length > 0 || x.findings.length > 0)) {
    out.push('', `### ${mdText(d.domain)}`);
    const emoji: Record<string, string> = { worse: '❌', new: '❌', better: '✅', resolved: '✅', changed: '🔄', added: '➕', removed: '➖' };
    if (d.checks.length > 0) {
      out.push('', '| Change | Check | Status |', '| --- | --- | --- |');
      for (const c of d.checks) out.push(`| ${emoji[c.change]} ${c.change} | ${mdCode(c.id, true)} | ${c.old ?? '—'} → ${c.new ?? '—'} |`);
    }
    if (d.findings.length > 0) {
      out.push('');
      for (const f of d.findings) {
        out.push(`- ${emoji[f.change]} **${f.change}** ${severities(f)} ${mdCode(f.code)} **${mdText(f.subject)}**: ${mdText(f.message)}`);
        if (f.remediation && f.change !== 'resolved' && f.change !== 'better') out.push(`  - **Fix:** ${mdText(f.remediation)}`);
      }
    }
  }
  return `${out.join('\n')}\n`;
}

export function renderDiff(diff: ReportDiff, format: DiffFormat, color: boolean): string {
  switch (format) {
    case 'json': return `${JSON.stringify(diff, null, 2)}\n`;
    case 'markdown': return renderDiffMarkdown(diff);
    case 'table': return renderDiffTable(diff, color);
  }
}
