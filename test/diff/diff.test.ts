import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CheckResult, Report, Status } from '../../src/core/report-types.ts';
import { diffReports } from '../../src/diff/diff-reports.ts';
import { parseReports } from '../../src/diff/load-reports.ts';
import { renderDiff } from '../../src/diff/render-diff.ts';
import { brokenFacts, goldenReport, goldenReports } from '../report/golden-reports.ts';

function withStatus(report: Report, id: string, status: Status, findings: CheckResult['findings'] = []): Report {
  const copy = structuredClone(report);
  const check = copy.checks.find((c) => c.id === id)!;
  check.status = status;
  check.findings = findings;
  check.error = status === 'error' ? 'timeout' : null;
  delete copy.score;
  return copy;
}

test('a regression and an improvement, per check status and per finding', async () => {
  const before = await goldenReport('broken.example', brokenFacts());
  // mx/targets fixed (fail -> pass), ptr/present now also fails for a new address
  let after = withStatus(before, 'mx/targets', 'pass');
  const ptr = after.checks.find((c) => c.id === 'ptr/present')!;
  ptr.findings.push({ ...ptr.findings[0]!, subject: '192.0.2.77', message: 'The address 192.0.2.77 has no PTR record.' });
  after = withStatus(after, 'ptr/forward-confirmed', 'fail', [{ code: 'ptr/forward-confirmed.mismatch', severity: 'fail', subject: '192.0.2.11', message: 'worse now', remediation: null, evidence: [] }]);
  const diff = diffReports([before], [after]);
  const domain = diff.domains[0]!;
  assert.deepEqual(domain.checks.map((c) => [c.id, c.old, c.new, c.change]), [
    ['mx/targets', 'fail', 'pass', 'better'],
    ['ptr/forward-confirmed', 'warn', 'fail', 'worse'],
  ]);
  assert.deepEqual(domain.findings.map((f) => [f.code, f.subject, f.change, f.old, f.new]), [
    ['ptr/present.missing', '192.0.2.77', 'new', null, 'fail'],
    ['ptr/forward-confirmed.mismatch', '192.0.2.11', 'worse', 'warn', 'fail'],
    ['mx/targets.cname', 'alias.broken.example', 'resolved', 'fail', null],
    ['mx/targets.unroutable', 'private.broken.example', 'resolved', 'fail', null],
  ]);
  assert.equal(domain.worse, true);
  assert.equal(diff.worse, true);
  assert.deepEqual(diff.summary, { better: 1, worse: 1, changed: 0, added: 0, removed: 0, newFindings: 1, resolvedFindings: 2 });
  assert.ok(domain.score.delta !== null);
});

test('only improvements: nothing got worse', async () => {
  const before = await goldenReport('broken.example', brokenFacts());
  const after = withStatus(withStatus(before, 'mx/targets', 'pass'), 'ptr/present', 'pass');
  const diff = diffReports([before], [after]);
  assert.equal(diff.worse, false);
  assert.equal(diff.summary.better, 2);
  assert.equal(diffReports([before], [before]).domains[0]!.checks.length, 0);
});

test('error and skipped are changes, not regressions; domains and checks on one side are added/removed', async () => {
  const [broken, clean] = await goldenReports();
  const timedOut = withStatus(clean!, 'mx/present', 'error');
  const diff = diffReports([broken!, clean!], [timedOut]);
  assert.deepEqual(diff.domains.map((d) => [d.domain, d.presence]), [['clean.example', 'both'], ['broken.example', 'removed']]);
  assert.deepEqual(diff.domains[0]!.checks.map((c) => c.change), ['changed']);
  assert.equal(diff.worse, false);
  const fewer = structuredClone(clean!);
  fewer.checks = fewer.checks.filter((c) => c.id !== 'ptr/present');
  const grown = diffReports([fewer], [clean!]);
  assert.deepEqual(grown.domains[0]!.checks.map((c) => [c.id, c.change]), [['ptr/present', 'added']]);
  assert.equal(grown.worse, false);
});

test('input: JSON object, array or NDJSON; anything else is refused with the file named', async () => {
  const reports = await goldenReports();
  assert.equal(parseReports(JSON.stringify(reports[0]), 'a.json').length, 1);
  assert.equal(parseReports(JSON.stringify(reports), 'a.json').length, 4);
  assert.equal(parseReports(reports.map((r) => JSON.stringify(r)).join('\n'), 'a.ndjson').length, 4);
  assert.throws(() => parseReports('not json', 'x.json'), /x\.json is neither JSON nor NDJSON/);
  assert.throws(() => parseReports('{"schemaVersion":2}', 'x.json'), /x\.json is not a smtp-audit report: schemaVersion is not 1/);
  assert.throws(() => parseReports(JSON.stringify([reports[0], reports[0]]), 'x.json'), /two reports for broken\.example/);
  const bad = structuredClone(reports[0]!) as unknown as { checks: Array<{ status: string }> };
  bad.checks[0]!.status = 'great';
  assert.throws(() => parseReports(JSON.stringify(bad), 'x.json'), /a check without id, area, a known status/);
  assert.throws(() => parseReports('', 'x.json'), /x\.json is empty/);
});

test('renderings name what changed; markdown escapes remote text', async () => {
  const before = await goldenReport('broken.example', brokenFacts());
  const after = withStatus(before, 'mx/targets', 'pass');
  const diff = diffReports([before], [after], { old: 'a.json', new: 'b.json' });
  assert.match(renderDiff(diff, 'table', false), /✔ better +mx\/targets +fail -> pass/);
  assert.equal(JSON.parse(renderDiff(diff, 'json', false)).kind, 'smtp-audit-diff');
  const md = renderDiff(diff, 'markdown', false);
  assert.match(md, /^## smtp-audit diff: ✅ nothing got worse/);
  assert.match(md, /CNAME to x\\<b\\>\\&/);
});
