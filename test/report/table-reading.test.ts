// How the table reads: evidence said once, fixes ordered by what they are worth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CheckResult, Report } from '../../src/core/report-types.ts';
import { ShownText } from '../../src/report/evidence-dedup.ts';
import { renderTableReport } from '../../src/report/table.ts';
import { topFixes } from '../../src/report/top-fixes.ts';
import { goldenReports } from './golden-reports.ts';

test('a repeated record, a reason the message already gives, and the same list twice are shown once', () => {
  const shown = new ShownText();
  const dmarc = '_dmarc.example.com: v=DMARC1; p=none; pct=50; rua=mailto:d@example.com';
  assert.equal(shown.first(dmarc), true);
  assert.equal(shown.first(dmarc), false, 'the same evidence in another DMARC check');
  assert.equal(shown.first('v=DMARC1; p=none; pct=50; rua=mailto:d@example.com'), false, 'the bare record, already shown with its name');
  const message = '192.0.2.1 is listed on bl.example: 127.0.0.2 (spam source); the list says "192.0.2.1 relayed spam, see https://bl.example/lookup".';
  assert.equal(shown.first('TXT 1.2.0.192.bl.example: "192.0.2.1 relayed spam, see https://bl.example/lookup"', [message]), false);
  assert.equal(shown.first('answer 127.0.0.2 (spam source) for 1.2.0.192.bl.example', [message]), true, 'not in the message: kept');
  assert.equal(shown.first('tried: google selector1 selector2 s1 s2 k1'), true);
  assert.equal(shown.first('Tried 6 selectors: google, selector1, selector2, s1, s2, k1.'), false, 'the same selectors as a note');
  assert.equal(shown.first('A 192.0.2.1'), true);
  assert.equal(shown.first('PTR 192.0.2.1: mail.example.com'), true, 'short evidence is compared whole only');
});

function check(id: string, area: string, status: CheckResult['status'], remediation = `fix ${id}`): CheckResult {
  const severity = status === 'fail' || status === 'warn' || status === 'info' ? status : 'info';
  return { id, area, status, title: id, reference: 'RFC 1', error: null, findings: status === 'pass' ? [] : [{ code: `${id}.x`, severity, subject: 's', message: 'm', remediation, evidence: [] }] };
}

test('top fixes: by the score points each costs (area weight shared among its checks), failures first on a tie', () => {
  // points before caps, per 100 of total weight: relay 3x100/1, mx 3x50/2, tls-rpt 0.5x100/1 = dmarc 3x50/3 (tie: the failure first)
  const report = {
    checks: [
      check('dmarc/policy', 'dmarc', 'warn'), check('dmarc/present', 'dmarc', 'pass'), check('dmarc/pct', 'dmarc', 'warn'),
      check('relay/open', 'relay', 'fail'), check('tls-rpt/present', 'tls-rpt', 'fail'), check('bimi/present', 'bimi', 'info'),
      check('mx/targets', 'mx', 'warn'), check('mx/present', 'mx', 'pass'),
    ],
  } as unknown as Report;
  assert.deepEqual(topFixes(report).map((f) => f.check.id), ['relay/open', 'mx/targets', 'tls-rpt/present', 'dmarc/policy', 'dmarc/pct']);
  assert.deepEqual(topFixes(report, 2).map((f) => f.check.id), ['relay/open', 'mx/targets']);
});

test('a report whose score is withheld says so; one with nothing wrong says there is nothing to fix', async () => {
  const [, clean, timeout] = await goldenReports();
  const withheld = renderTableReport({ ...timeout!, score: null as never }, { color: false, verbose: false, width: 80 });
  assert.match(withheld.split('\n')[0]!, /score withheld: not enough was determined$/);
  assert.match(withheld, /^Score withheld: not enough was determined$/m);
  assert.match(renderTableReport(clean!, { color: false, verbose: false, width: 80 }).trimEnd(), /Nothing to fix: no check fails or warns\.$/);
});
