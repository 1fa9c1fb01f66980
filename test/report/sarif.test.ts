import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSarif as buildWith, rfcLink } from '../../src/report/sarif.ts';
import { defaultSarifLocations, workflowFile, zoneLineFor, type SarifLocationOptions } from '../../src/report/sarif-locations.ts';
import type { Report } from '../../src/core/report-types.ts';
import { goldenReports, HOSTILE_TARGET } from './golden-reports.ts';
import { assertValidSarif, githubSarifProblems, SARIF_SCHEMA_FILE } from './sarif-schema.ts';

/** No config file, no files to read: every finding at the stand-in, line 1. */
const PLAIN: SarifLocationOptions = { standIn: 'smtp-audit.config.json', configFile: null, root: '/repo', cwd: '/repo', readFile: () => null };
const buildSarif = (reports: readonly Report[], options: SarifLocationOptions = PLAIN) => buildWith(reports, options);

type Region = { startLine: number; startColumn: number; endLine: number; endColumn: number };
type Sarif = {
  version: string;
  runs: Array<{
    tool: { driver: { rules: Array<{ id: string; fullDescription: { text: string }; helpUri?: string; properties: { reference: string } }> } };
    results: Array<{ ruleId: string; ruleIndex: number; level: string; message: { text: string }; suppressions?: unknown[]; locations: Array<{ logicalLocations: Array<{ name: string; fullyQualifiedName: string }>; physicalLocation: { artifactLocation: { uri: string }; region: Region } }>; partialFingerprints: Record<string, string>; properties: { code: string; domain: string } }>;
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

test("GitHub's ingestion rules have teeth: no physical location, an unknown rule, no fingerprints, a long description", async () => {
  const log = buildSarif(await goldenReports()) as Sarif;
  assert.deepEqual(githubSarifProblems(log), []);
  const breaks: Array<[(l: Sarif) => void, RegExp]> = [
    [(l) => { delete (l.runs[0]!.results[0]!.locations[0] as { physicalLocation?: unknown }).physicalLocation; }, /no physicalLocation\.artifactLocation\.uri/],
    [(l) => { l.runs[0]!.results[0]!.ruleId = 'mx/nope'; }, /ruleId mx\/nope is not in tool\.driver\.rules/],
    [(l) => { delete (l.runs[0]!.results[0] as { partialFingerprints?: unknown }).partialFingerprints; }, /no partialFingerprints/],
    [(l) => { l.runs[0]!.tool.driver.rules[0]!.fullDescription.text = 'x'.repeat(1025); }, /fullDescription\.text is over 1024/],
    [(l) => { l.runs[0]!.results[1]!.partialFingerprints = l.runs[0]!.results[0]!.partialFingerprints; l.runs[0]!.results[1]!.ruleId = l.runs[0]!.results[0]!.ruleId; l.runs[0]!.results[1]!.ruleIndex = l.runs[0]!.results[0]!.ruleIndex; }, /same partialFingerprints/],
  ];
  for (const [breakIt, problem] of breaks) {
    const bad = structuredClone(log);
    breakIt(bad);
    assert.match(githubSarifProblems(bad).join('\n'), problem);
    assert.throws(() => assertValidSarif(bad), /GitHub's ingestion rules|SARIF 2\.1\.0 schema/);
  }
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
  assert.match(notes[0]!.message.text, /^timeout\.example: mx\/present: Could not tell whether the domain publishes MX records: MX lookup failed: ETIMEOUT/);
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

test('every result has a physical location: the stand-in at line 1 when no file can be read', async () => {
  const run = (buildSarif(await goldenReports()) as Sarif).runs[0]!;
  assert.ok(run.results.length > 0);
  for (const result of run.results) {
    assert.deepEqual(result.locations[0]!.physicalLocation, { artifactLocation: { uri: 'smtp-audit.config.json' }, region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 2 } });
  }
});

const ZONE = `$ORIGIN clean.example.
$TTL 3600
@    IN SOA ns1 hostmaster 1 7200 3600 1209600 3600
     IN MX 10 mx        ; the MX record
     IN TXT "v=spf1 mx -all"
mx   IN A 192.0.2.50
_dmarc 300 IN TXT ( "v=DMARC1; p=none;"
                    " rua=mailto:d@clean.example" )
www.clean.example. IN CNAME clean.example.
`;

test('a finding judged from a --zone file points at the line of the record to change', async () => {
  const reports = await goldenReports();
  const clean = structuredClone(reports[1]!);
  const check = clean.checks.find((c) => c.id === 'mx/targets')!;
  check.status = 'warn';
  check.findings = [{ code: 'mx/targets.partly-unroutable', severity: 'warn', subject: 'mx.clean.example', message: 'm', remediation: null, evidence: [] }];
  const options = { ...PLAIN, readFile: (path: string) => (path === 'dns/clean.example.zone' ? ZONE : null) };
  const result = (buildSarif([clean], options) as Sarif).runs[0]!.results[0]!;
  assert.deepEqual(result.locations[0]!.physicalLocation, { artifactLocation: { uri: 'dns/clean.example.zone' }, region: { startLine: 6, startColumn: 1, endLine: 6, endColumn: 21 } });
  assertValidSarif(buildSarif([clean], options));
});

test('zone lines: the subject first, else the record the area reads (type preferred), else the domain', () => {
  const check = (area: string) => ({ id: `${area}/x`, area, status: 'fail' as const, title: 't', reference: 'r', findings: [], error: null });
  const finding = (subject: string) => ({ code: 'x/y.z', severity: 'fail' as const, subject, message: 'm', remediation: null, evidence: [] });
  assert.equal(zoneLineFor(ZONE, 'clean.example', 'clean.example', check('mx'), finding('clean.example')), 4, 'the MX line, not the SOA');
  assert.equal(zoneLineFor(ZONE, 'clean.example', 'clean.example', check('spf'), finding('clean.example')), 5, 'the TXT line of a repeated owner');
  assert.equal(zoneLineFor(ZONE, 'clean.example', 'clean.example', check('dmarc'), finding('192.0.2.1')), 7, '_dmarc, with a TTL and a record in parentheses');
  assert.equal(zoneLineFor(ZONE, 'clean.example', 'clean.example', check('dmarc'), null), 7);
  assert.equal(zoneLineFor(ZONE, 'clean.example', 'clean.example', check('mx'), finding('www.clean.example')), 9, 'an absolute owner');
  assert.equal(zoneLineFor(ZONE, 'clean.example', 'other.example', check('mx'), finding('nowhere.example')), null);
});

test('without a zone file: the config file at the line listing the domain; else the stand-in the environment names', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-sarif-'));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'smtp-audit.config.json'), '{\n  "domains": [\n    "clean.example",\n    "broken.example"\n  ]\n}\n');
  const fromConfig = defaultSarifLocations({ GITHUB_WORKSPACE: dir }, join(dir, 'sub'));
  assert.equal(fromConfig.configFile, join(dir, 'smtp-audit.config.json'), 'found in a folder above, as the CLI finds it');
  const reports = await goldenReports();
  const broken = (buildWith(reports.slice(0, 1), fromConfig) as Sarif).runs[0]!.results[0]!;
  assert.deepEqual(broken.locations[0]!.physicalLocation, { artifactLocation: { uri: 'smtp-audit.config.json' }, region: { startLine: 4, startColumn: 1, endLine: 4, endColumn: 21 } });

  const bare = mkdtempSync(join(tmpdir(), 'smtp-audit-sarif-'));
  mkdirSync(join(bare, '.github', 'workflows'), { recursive: true });
  writeFileSync(join(bare, '.github', 'workflows', 'mail.yml'), 'jobs:\n  audit:\n    steps:\n      - uses: x/smtp-audit@v1\n        with:\n          domains: clean.example broken.example\n');
  const github = defaultSarifLocations({ GITHUB_WORKFLOW_REF: 'octo/mail/.github/workflows/mail.yml@refs/heads/main', GITHUB_WORKSPACE: bare }, bare);
  assert.equal(github.standIn, '.github/workflows/mail.yml');
  const inWorkflow = (buildWith(reports.slice(0, 1), github) as Sarif).runs[0]!.results[0]!;
  assert.deepEqual(inWorkflow.locations[0]!.physicalLocation, { artifactLocation: { uri: '.github/workflows/mail.yml' }, region: { startLine: 6, startColumn: 1, endLine: 6, endColumn: 48 } });
  const chosen = defaultSarifLocations({ SMTP_AUDIT_SARIF_LOCATION: 'dns/README.md', GITHUB_WORKFLOW_REF: 'octo/mail/.github/workflows/mail.yml@refs/heads/main' }, bare);
  assert.equal(chosen.standIn, 'dns/README.md', 'the variable wins over the workflow');
  assert.equal(defaultSarifLocations({}, bare).standIn, 'smtp-audit.config.json');
  assert.equal(workflowFile('octo/repo/.github/workflows/a b.yml@refs/pull/1/merge'), '.github/workflows/a b.yml');
  for (const options of [fromConfig, github, chosen]) assertValidSarif(buildWith(reports, options));
});

test('rfcLink takes the first RFC and its section', () => {
  assert.equal(rfcLink('RFC 7208 section 4.6.4'), 'https://www.rfc-editor.org/rfc/rfc7208#section-4.6.4');
  assert.equal(rfcLink('RFC 7505'), 'https://www.rfc-editor.org/rfc/rfc7505');
  assert.equal(rfcLink('M3AAWG best practice'), undefined);
});
