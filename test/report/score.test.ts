import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CheckResult, Status } from '../../src/core/report-types.ts';
import { AREA_WEIGHTS, gradeFor, scoreChecks } from '../../src/report/score.ts';
import { assertValidReport } from '../support/schema.ts';
import { goldenReports } from './golden-reports.ts';

const check = (id: string, status: Status): CheckResult => ({
  id, area: id.split('/')[0]!, status, title: 't', reference: 'RFC 1', findings: [], error: status === 'error' ? 'timeout' : null,
  ...(status === 'skipped' ? { skippedReason: 'n/a' } : {}),
});

test('credit per status: pass 100, info 90, warn 50, fail 0; error and skipped are left out', () => {
  assert.deepEqual(scoreChecks([check('mx/a', 'pass'), check('mx/b', 'info')]).areas, { mx: 95 });
  assert.deepEqual(scoreChecks([check('mx/a', 'pass'), check('mx/b', 'error'), check('mx/c', 'skipped')]),
    { total: 100, grade: 'A', areas: { mx: 100 }, undetermined: 1, cappedBy: null });
  assert.deepEqual(scoreChecks([check('mx/a', 'error')]), { total: null, grade: null, areas: {}, undetermined: 1, cappedBy: null, withheld: 'not enough was determined: 1 of 1 checks that ran could not be determined' });
});

test('the total weights areas: mx counts three times as much as ptr', () => {
  assert.equal(AREA_WEIGHTS.mx, 3);
  assert.equal(AREA_WEIGHTS.ptr, 1);
  // mx 100 (weight 3), ptr 50 (weight 1): (300 + 50) / 4 = 87.5 -> 88, a warning caps at 89 anyway
  const s = scoreChecks([check('mx/a', 'pass'), check('ptr/a', 'warn')]);
  assert.deepEqual([s.total, s.grade, s.cappedBy], [88, 'B', null]);
  // mx 50 (one of two fails), ptr 100: (150 + 100) / 4 = 62.5 -> 63
  assert.equal(scoreChecks([check('mx/a', 'pass'), check('mx/b', 'fail'), check('ptr/a', 'pass')]).total, 63);
});

test('a failing check holds the total at 79 (C at best), a warning at 89 (B at best)', () => {
  const many = Array.from({ length: 30 }, (_, i) => check(`spf/c${i}`, 'pass'));
  const failing = scoreChecks([...many, check('bimi/present', 'fail')]);
  assert.deepEqual([failing.total, failing.grade, failing.cappedBy], [79, 'C', 'fail']);
  const warning = scoreChecks([...many, check('bimi/present', 'warn')]);
  assert.deepEqual([warning.total, warning.grade, warning.cappedBy], [89, 'B', 'warn']);
  assert.deepEqual(scoreChecks(many).grade, 'A');
});

test('grades: A 90+, B 80+, C 70+, D 60+, F below', () => {
  assert.deepEqual([100, 90, 89, 80, 79, 70, 69, 60, 59, 0].map(gradeFor), ['A', 'A', 'B', 'B', 'C', 'C', 'D', 'D', 'F', 'F']);
});

test('the score is in the JSON report and the schema holds it to its shape', async () => {
  const [broken] = await goldenReports();
  assert.deepEqual(broken!.score, { total: 50, grade: 'F', areas: { mx: 50, ptr: 50 }, undetermined: 0, cappedBy: null });
  assertValidReport(broken);
  assert.throws(() => assertValidReport({ ...broken, score: { ...broken!.score, total: 150 } }), /score/);
  assert.throws(() => assertValidReport({ ...broken, score: { ...broken!.score, grade: 'E' } }), /grade/);
});
