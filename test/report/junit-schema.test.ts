// The JUnit report against the schema Jenkins validates JUnit files with (the xUnit plugin's
// junit-10.xsd, vendored in test/fixtures-schema with its origin and licence). GitLab reads the
// same shape. Checked by the schema reader in xsd-check.ts everywhere, and by xmllint as well
// where it is installed (SMTP_AUDIT_REQUIRE_XMLLINT=1 makes its absence a failure, for CI).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { junitReporter } from '../../src/report/junit.ts';
import { goldenReports } from './golden-reports.ts';
import { JENKINS_JUNIT_XSD, jenkinsJunitProblems } from './xsd-check.ts';

const render = async (): Promise<string> => junitReporter.render(await goldenReports(), { color: false, verbose: false });

test('the JUnit report of every golden domain (fail, error, skipped, ignored, hostile text) is valid against junit-10.xsd', async () => {
  assert.deepEqual(jenkinsJunitProblems(await render()), []);
});

test('<testsuites> carries no skipped attribute (the schema rejects it); each <testsuite> does', async () => {
  const text = await render();
  assert.match(text, /<testsuites name="smtp-audit" tests="16" failures="2" errors="4" time="0\.000">/);
  assert.match(text, /<testsuite name="nullmx\.example" tests="4" failures="0" errors="0" skipped="3" time="0\.000"/);
});

const broken: Array<[string, (xml: string) => string, RegExp]> = [
  ['a skipped attribute on <testsuites>', (x) => x.replace('<testsuites name="smtp-audit"', '<testsuites name="smtp-audit" skipped="3"'), /testsuites: attribute skipped is not allowed/],
  ['a testcase without a name', (x) => x.replace('<testcase name="mx/present" classname="broken.example"', '<testcase classname="broken.example"'), /required attribute name is missing/],
  ['a time that is not a number', (x) => x.replace(/(<testsuite name="broken\.example"[^>]*) time="0\.000"/, '$1 time="soon"'), /attribute time="soon" does not match/],
  ['an element the schema does not know', (x) => x.replace('<properties>', '<properties><oops/>'), /children .* do not fit|not declared/],
];

test('the schema check has teeth: each of these breaks is rejected', async () => {
  const good = await render();
  for (const [what, breakIt, problem] of broken) {
    const bad = breakIt(good);
    assert.notEqual(bad, good, what);
    assert.match(jenkinsJunitProblems(bad).join('\n'), problem, what);
  }
});

function xmllint(): string | null {
  const found = spawnSync('xmllint', ['--version'], { encoding: 'utf8' });
  return found.error ? null : 'xmllint';
}

test('xmllint agrees: the report validates, the broken ones do not', async (t) => {
  if (!xmllint()) {
    assert.notEqual(process.env.SMTP_AUDIT_REQUIRE_XMLLINT, '1', 'xmllint is required here (apt-get install libxml2-utils)');
    t.diagnostic('xmllint is not installed: the schema was checked by xsd-check.ts only');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-junit-'));
  const good = await render();
  const lint = (xml: string, name: string): { status: number | null; stderr: string } => {
    const file = join(dir, name);
    writeFileSync(file, xml);
    return spawnSync('xmllint', ['--noout', '--schema', JENKINS_JUNIT_XSD, file], { encoding: 'utf8' });
  };
  const ok = lint(good, 'good.xml');
  assert.equal(ok.status, 0, ok.stderr);
  broken.forEach(([what, breakIt], i) => {
    const r = lint(breakIt(good), `bad-${i}.xml`);
    assert.notEqual(r.status, 0, `xmllint accepted ${what}`);
  });
});

test('the vendored schema is the file its README names (SHA-256)', () => {
  const sha = createHash('sha256').update(readFileSync(JENKINS_JUNIT_XSD)).digest('hex');
  assert.equal(sha, 'a1a816f58d1bf95ebabf371994df0b9246dee66ea9572fbec4f9296f1b2c0ff6');
});
