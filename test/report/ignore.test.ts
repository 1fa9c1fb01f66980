import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CheckResult, Finding } from '../../src/core/report-types.ts';
import { applyIgnores, ignoreInCheck, parseIgnoreCode } from '../../src/report/ignore.ts';
import { assertValidReport } from '../support/schema.ts';
import { brokenFacts, goldenReport } from './golden-reports.ts';

const finding = (code: string, severity: Finding['severity'], subject = 's'): Finding =>
  ({ code, severity, subject, message: 'm', remediation: null, evidence: [] });

test('finding codes are validated: <check id>.<name> of a known check', () => {
  assert.equal(parseIgnoreCode(' PTR/present.Missing '), 'ptr/present.missing');
  assert.throws(() => parseIgnoreCode('ptr/present'), /not a finding code/);
  assert.throws(() => parseIgnoreCode('ptr/present.missing thing'), /not a finding code/);
  assert.throws(() => parseIgnoreCode('nope/never.missing'), /no known check \(nope\/never/);
});

test('an ignored finding leaves the status computation and is listed as ignored', async () => {
  const plain = await goldenReport('broken.example', brokenFacts());
  const ignored = await goldenReport('broken.example', brokenFacts(), { ignore: ['ptr/present.missing', 'mx/targets.cname'] });
  const byId = (r: typeof plain, id: string) => r.checks.find((c) => c.id === id)!;
  assert.equal(byId(plain, 'ptr/present').status, 'fail');
  assert.equal(byId(ignored, 'ptr/present').status, 'pass');
  assert.equal(byId(ignored, 'ptr/present').title, 'Every mail server address has a PTR record', 'the good-state title');
  assert.deepEqual(byId(ignored, 'ptr/present').ignoredFindings!.map((f) => f.subject), ['10.0.0.5']);
  // mx/targets keeps its other failure (the private address)
  assert.equal(byId(ignored, 'mx/targets').status, 'fail');
  assert.deepEqual(byId(ignored, 'mx/targets').findings.map((f) => f.code), ['mx/targets.unroutable']);
  assert.deepEqual(ignored.summary, { pass: 2, info: 0, warn: 1, fail: 1, error: 0, skipped: 0 });
  assert.ok(ignored.score!.total! > plain.score!.total!);
  assertValidReport(ignored);
});

test('a check with an undetermined subject stays error when its failures are ignored', () => {
  const check: CheckResult = { id: 'ptr/present', area: 'ptr', status: 'fail', title: 'x', reference: 'r', findings: [finding('ptr/present.missing', 'fail'), finding('ptr/present.several', 'info')], error: '192.0.2.1: timeout' };
  const result = ignoreInCheck(check, new Set(['ptr/present.missing']));
  assert.equal(result.status, 'error');
  assert.equal(ignoreInCheck({ ...check, error: null }, new Set(['ptr/present.missing'])).status, 'info');
  assert.equal(ignoreInCheck(check, new Set(['mx/targets.cname'])), check, 'untouched when nothing matches');
});

test('applyIgnores with no codes returns the report as it was', async () => {
  const report = await goldenReport('broken.example', brokenFacts());
  assert.equal(applyIgnores(report, []), report);
});
