// Several report formats from one run, through the real bin; each validated.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { assertValidSarif } from '../report/sarif-schema.ts';
import { assertWellFormedXml } from '../report/xml-check.ts';
import { jenkinsJunitProblems } from '../report/xsd-check.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { runBin } from '../support/run-bin.ts';
import { assertValidReport } from '../support/schema.ts';

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());
const base = () => ['mx-bad.example', 'clean.example', '--resolver', dns.address, '--no-smtp', '--only', 'mx,ptr'];

test('--format table --format json:file --format sarif:file ... writes every format from one run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-formats-'));
  const file = (name: string) => join(dir, name);
  const r = await runBin([...base(), '--format', 'table', '--format', `json:${file('r.json')}`, '--format', `sarif:${file('r.sarif')}`,
    '--format', `junit:${file('r.xml')}`, '--format', `markdown:${file('r.md')}`, '--format', `ndjson:${file('r.ndjson')}`]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /smtp-audit .* mx-bad\.example/, r.stderr);
  assert.match(r.stdout, /^Score: 44\/100 \(F\)$/m);
  assert.match(r.stdout, /^Score: 100\/100 \(A\)$/m);

  const json = JSON.parse(readFileSync(file('r.json'), 'utf8'));
  assertValidReport(json);
  assert.deepEqual(json.map((x: { domain: string; score: { total: number; grade: string } }) => [x.domain, x.score.total, x.score.grade]), [['mx-bad.example', 44, 'F'], ['clean.example', 100, 'A']]);

  const sarif = JSON.parse(readFileSync(file('r.sarif'), 'utf8'));
  assertValidSarif(sarif);
  const findings = json.flatMap((x: { checks: Array<{ findings: unknown[] }> }) => x.checks.flatMap((c) => c.findings)).length;
  assert.equal(sarif.runs[0].results.length, findings);

  const xml = readFileSync(file('r.xml'), 'utf8');
  assertWellFormedXml(xml);
  assert.deepEqual(jenkinsJunitProblems(xml), [], 'valid against Jenkins\' junit-10.xsd');
  assert.equal(xml.match(/<testsuite /g)!.length, 2);

  const md = readFileSync(file('r.md'), 'utf8');
  assert.match(md, /^## smtp-audit: 2 domains/);
  assert.match(md, /\| mx-bad\.example \| 44\/100 \(F\) \| 2 \| 1 \| 0 \| 1 \|/);

  const lines = readFileSync(file('r.ndjson'), 'utf8').trim().split('\n');
  assert.equal(lines.length, 2);
  for (const line of lines) assertValidReport(JSON.parse(line));
});

test('markdown, junit and sarif on stdout; --output still names the one file-less format', async () => {
  const sarif = await runBin([...base(), '--format', 'sarif']);
  assertValidSarif(JSON.parse(sarif.stdout));
  const junit = await runBin([...base(), '--format', 'junit']);
  assertWellFormedXml(junit.stdout);
  assert.deepEqual(jenkinsJunitProblems(junit.stdout), []);
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-formats-'));
  const out = join(dir, 'out.md');
  const r = await runBin([...base(), '--format', 'markdown', '--output', out]);
  assert.equal(r.stdout, '');
  assert.match(readFileSync(out, 'utf8'), /^## smtp-audit: 2 domains/);
});

test('format mistakes are usage errors and nothing is written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-formats-'));
  const cases: Array<[string[], RegExp]> = [
    [['--format', 'table', '--format', 'json'], /only one format can go to stdout: table, json/],
    [['--format', `json:${join(dir, 'a')}`, '--format', `sarif:${join(dir, 'a')}`], /named by two outputs/],
    [['--format', 'yaml:x.yaml'], /unknown --format "yaml:x\.yaml"/],
    [['--format', `json:${join(dir, 'no-such-dir', 'r.json')}`], /cannot write/],
    [['--format', `json:${join(dir, 'b.json')}`, '--output', join(dir, 'c.json')], /every --format has its own file/],
  ];
  for (const [extra, message] of cases) {
    const r = await runBin([...base(), ...extra]);
    assert.equal(r.code, 2, `${extra.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.equal(existsSync(join(dir, 'a')), false);
});
