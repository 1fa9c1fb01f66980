import { test } from 'node:test';
import assert from 'node:assert/strict';
import { markdownReporter } from '../../src/report/markdown.ts';
import { mdCode, mdText } from '../../src/report/markdown-text.ts';
import { goldenReports } from './golden-reports.ts';

const options = { color: false, verbose: false };

test('a summary table, then failures and warnings with remediation', async () => {
  const [broken] = await goldenReports();
  const text = markdownReporter.render([broken!], options);
  assert.match(text, /^## smtp-audit: broken\.example — 50\/100 \(F\)\n/);
  const table = text.indexOf('| Area | Score |');
  const failures = text.indexOf('### ❌ Failures (3)');
  assert.ok(table > 0 && failures > table, 'table first, then failures');
  assert.match(text, /\| MX \| 50 \| 1 \| · \| · \| 1 \| · \|/);
  assert.match(text, /- \*\*private\.broken\.example\*\*: The MX target private\.broken\.example resolves only to addresses[^\n]*\n {2}- \*\*Fix:\*\* Publish the public address/);
  assert.match(text, /<summary>Ignored findings \(1\)/);
});

test('warnings get their own section; several domains get an overview table', async () => {
  const reports = await goldenReports();
  const withWarning = structuredClone(reports[0]!);
  const check = withWarning.checks.find((c) => c.id === 'ptr/forward-confirmed')!;
  check.status = 'warn';
  check.findings = check.ignoredFindings!;
  delete check.ignoredFindings;
  const single = markdownReporter.render([withWarning], options);
  assert.match(single, /### ⚠️ Warnings \(1\)\n\n\*\*`ptr\/forward-confirmed`\*\*/);
  const many = markdownReporter.render(reports, options);
  assert.match(many, /^## smtp-audit: 4 domains\n\n\| Domain \| Score \|/);
  assert.match(many, /\| timeout\.example \| score withheld[^|]*\| 0 \| 0 \| 4 \| 0 \|/);
  assert.match(many, /#### ❓ Could not determine \(4\)/);
});

test('an audit with a zone file says so, and marks the checks that used it', async () => {
  const clean = (await goldenReports())[1]!;
  const text = markdownReporter.render([clean], options);
  assert.match(text, /> \*\*Audited with zone file dns\/clean\.example\.zone \(clean\.example\)\*\*, not only published DNS\. 2 names answered from it: `clean\.example`, `mx\.clean\.example`\./);
  assert.match(text, /\| ✅ pass \| `mx\/targets` \| Every MX target is a host name with address records _\(zone file\)_ \|/);
});

test('remote text cannot become Markdown or HTML', () => {
  assert.equal(mdText('<img src=x>[link](http://x) *a* _b_ `c` | ~d~ &amp; \\'), '\\<img src=x\\>\\[link\\](http://x) \\*a\\* \\_b\\_ \\`c\\` \\| \\~d\\~ \\&amp; \\\\');
  assert.equal(mdText('\u001b[31m\u202e'), '\\\\x1b\\[31m\\\\u202e');
  assert.equal(mdCode('a `b` c'), '``a `b` c``');
  assert.equal(mdCode('`x'), '`` `x ``');
  assert.equal(mdCode('a|b', true), '`a\\|b`');
});
