import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildSarif, rfcLink } from '../../src/report/sarif.ts';
import { goldenReports, HOSTILE_TARGET } from './golden-reports.ts';
import { assertValidSarif, SARIF_SCHEMA_FILE } from './sarif-schema.ts';

type Sarif = {
  version: string;
  runs: Array<{
    tool: { driver: { rules: Array<{ id: string; fullDescription: { text: string }; helpUri?: string; properties: { reference: string } }> } };
    results: Array<{ ruleId: string; ruleIndex: number; level: string; message: { text: string }; suppressions?: unknown[]; locations: Array<{ logicalLocations: Array<{ name: string; fullyQualifiedName: string }>; physicalLocation?: { artifactLocation: { uri: string } } }>; partialFingerprints: Record<string, string>; properties: { code: string; domain: string } }>;
    invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications?: Array<{ message: { text: string }; associatedRule: { id: string } }> }>;
  }>;
};

test('the vendored SARIF schema is the one the pinned devDependency ships', () => {
  const require = createRequire(import.meta.url);
  const shipped = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  assert.equal(readFileSync(SARIF_SCHEMA_FILE, 'utf8'), readFileSync(shipped, 'utf8'));
});

test('the schema check has teeth: a log without version or with a bad level is rejected', async () => {
  const log = buildSarif(await goldenReports()) as Sarif;
  assert.throws(() => assertValidSarif({ ...log, version: '2.0.0' }), /SARIF 2\.1\.0 schema/);
  const bad = structuredClone(log);
  bad.runs[0]!.results[0]!.level = 'fatal';
  assert.throws(() => assertValidSarif(bad), /level/);
});

test('one rule per check id with its description, RFC reference and link; one result per finding', async () => {
  const reports = await goldenReports();
  const log = buildSarif(reports) as Sarif;
  assertValidSarif(log);
  const run = log.runs[0]!;
  const ids = run.tool.driver.rules.map((r) => r.id);
  assert.deepEqual(ids, ['mx/present', 'mx/targets', 'ptr/present', 'ptr/forward-confirmed']);
  const targets = run.tool.driver.rules[1]!;
  assert.match(targets.fullDescription.text, /IP literal, an alias \(CNAME\)/);
  assert.equal(targets.properties.reference, 'RFC 5321 section 5.1; RFC 2181 section 10.3');
  assert.equal(targets.helpUri, 'https://www.rfc-editor.org/rfc/rfc5321#section-5.1');
  const findings = reports.flatMap((r) => r.checks.flatMap((c) => [...c.findings, ...(c.ignoredFindings ?? [])]));
  assert.equal(run.results.length, findings.length);
  for (const result of run.results) assert.equal(run.tool.driver.rules[result.ruleIndex]!.id, result.ruleId);
  assert.deepEqual(run.results.map((r) => [r.properties.domain, r.properties.code, r.level]), [
    ['broken.example', 'mx/targets.cname', 'error'],
    ['broken.example', 'mx/targets.unroutable', 'error'],
    ['broken.example', 'ptr/present.missing', 'error'],
    ['broken.example', 'ptr/forward-confirmed.mismatch', 'warning'],
    ['nullmx.example', 'mx/present.null-mx', 'note'],
  ]);
});

test('ignored findings are suppressed results; undetermined checks are execution notifications', async () => {
  const run = (buildSarif(await goldenReports()) as Sarif).runs[0]!;
  const suppressed = run.results.filter((r) => r.suppressions);
  assert.deepEqual(suppressed.map((r) => r.properties.code), ['ptr/forward-confirmed.mismatch']);
  const notes = run.invocations[0]!.toolExecutionNotifications!;
  assert.deepEqual(notes.map((n) => n.associatedRule.id), ['mx/present', 'mx/targets', 'ptr/present', 'ptr/forward-confirmed']);
  assert.match(notes[0]!.message.text, /^timeout\.example: mx\/present could not be determined: MX lookup failed: ETIMEOUT/);
  assert.equal(run.invocations[0]!.executionSuccessful, true);
});

test('results locate the subject under the domain, fingerprint stably, and carry no raw control characters', async () => {
  const run = (buildSarif(await goldenReports()) as Sarif).runs[0]!;
  const cname = run.results[0]!;
  assert.deepEqual(cname.locations[0]!.logicalLocations[0], { name: 'alias.broken.example', fullyQualifiedName: 'broken.example/alias.broken.example', kind: 'resource' });
  assert.match(cname.partialFingerprints['smtpAuditFinding/v1']!, /^[0-9a-f]{64}$/);
  const again = (buildSarif(await goldenReports()) as Sarif).runs[0]!.results[0]!;
  assert.equal(again.partialFingerprints['smtpAuditFinding/v1'], cname.partialFingerprints['smtpAuditFinding/v1']);
  assert.ok(HOSTILE_TARGET.includes('\u001b'));
  assert.doesNotMatch(JSON.stringify(run), /\\u001b/);
  assert.match(cname.message.text, /\\x1b\[31m/);
});

test('a finding judged from a --zone file points at that file', async () => {
  const reports = await goldenReports();
  const clean = structuredClone(reports[1]!);
  const check = clean.checks.find((c) => c.id === 'mx/targets')!;
  check.status = 'warn';
  check.findings = [{ code: 'mx/targets.partly-unroutable', severity: 'warn', subject: 'mx.clean.example', message: 'm', remediation: null, evidence: [] }];
  const result = (buildSarif([clean]) as Sarif).runs[0]!.results[0]!;
  assert.deepEqual(result.locations[0]!.physicalLocation, { artifactLocation: { uri: 'dns/clean.example.zone' } });
  assertValidSarif(buildSarif([clean]));
});

test('rfcLink takes the first RFC and its section', () => {
  assert.equal(rfcLink('RFC 7208 section 4.6.4'), 'https://www.rfc-editor.org/rfc/rfc7208#section-4.6.4');
  assert.equal(rfcLink('RFC 7505'), 'https://www.rfc-editor.org/rfc/rfc7505');
  assert.equal(rfcLink('M3AAWG best practice'), undefined);
});
