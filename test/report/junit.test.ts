import { test } from 'node:test';
import assert from 'node:assert/strict';
import { junitReporter, xml } from '../../src/report/junit.ts';
import { goldenReports } from './golden-reports.ts';
import { assertWellFormedXml } from './xml-check.ts';

const options = { color: false, verbose: false };

test('one testcase per check per domain; fail -> failure, error -> error, skipped -> skipped', async () => {
  const reports = await goldenReports();
  const text = junitReporter.render(reports, options);
  assertWellFormedXml(text);
  assert.equal(text.match(/<testcase /g)!.length, reports.reduce((n, r) => n + r.checks.length, 0));
  assert.equal(text.match(/<testsuite /g)!.length, 4);
  assert.equal(text.match(/<failure /g)!.length, 2);
  assert.equal(text.match(/<error /g)!.length, 4);
  assert.equal(text.match(/<skipped /g)!.length, 3);
  assert.match(text, /<testsuites name="smtp-audit" tests="16" failures="2" errors="4" time="0\.000">/);
  assert.match(text, /<testcase name="mx\/targets" classname="broken\.example" time="0">\n {6}<failure type="fail" message="Some MX targets are unusable">\[fail\] mx\/targets\.cname/);
  assert.match(text, /<testcase name="mx\/targets" classname="nullmx\.example" time="0">\n {6}<skipped message="the domain publishes a null MX"\/>/);
  assert.match(text, /<property name="score" value="50\/100 \(F\)"\/>/);
});

test('warnings, info findings and ignored findings pass, with their text in system-out', async () => {
  const text = junitReporter.render(await goldenReports(), options);
  assert.match(text, /<testcase name="ptr\/forward-confirmed" classname="broken\.example" time="0">\n {6}<system-out>\[pass\][^<]*\nignored: \[warn\] ptr\/forward-confirmed\.mismatch 192\.0\.2\.11/);
  assert.match(text, /<testcase name="mx\/present" classname="nullmx\.example" time="0">\n {6}<system-out>\[info\]/);
});

test('xml() escapes markup and turns characters XML 1.0 cannot hold into visible escapes', () => {
  assert.equal(xml('a<b>&"\'\u001b[31m\u0000\ufffe'), 'a&lt;b&gt;&amp;&quot;&apos;\\x1b[31m\\x00\\ufffe');
});
