// DMARC, DKIM, MTA-STS, TLS-RPT and BIMI through the real bin: fixture DNS, the loopback HTTPS
// policy server reached with --connect-to, and the test CA trusted through NODE_EXTRA_CA_CERTS.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { fixtureCaPath, startHttpsPolicyServer, type HttpsPolicyServer } from '../../src/testnet/https-policy-server.ts';
import { STS_ROUTES } from '../mta-sts/policy-routes.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { runBin } from '../support/run-bin.ts';
import { assertValidReport } from '../support/schema.ts';

let dns: FixtureDnsServer;
let server: HttpsPolicyServer;
before(async () => {
  dns = await startTestDns();
  server = await startHttpsPolicyServer({ routes: STS_ROUTES });
});
after(async () => { await server.stop(); await dns.stop(); });

type Check = { id: string; status: string; findings: Array<{ code: string; subject: string; message: string }>; notes?: string[] };
type Report = { domain: string; checks: Check[]; facts: Record<string, { ok: boolean; value: Record<string, unknown> }> };
const AREAS = 'dmarc,dkim,mta-sts,tls-rpt,bimi';
const status = (report: Report, id: string) => report.checks.find((c) => c.id === id)!.status;
const codes = (report: Report, id: string) => report.checks.find((c) => c.id === id)!.findings.map((f) => f.code);

async function auditJson(domains: string[], extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; reports: Report[]; stderr: string }> {
  const r = await runBin([...domains, '--resolver', dns.address, '--no-smtp', '--only', AREAS, '--format', 'json', '--timeout', '2000', ...extra], { env });
  let parsed: unknown;
  try {
    parsed = JSON.parse(r.stdout);
  } catch {
    assert.fail(`no JSON on stdout (exit ${r.code}): ${r.stderr}`);
  }
  assertValidReport(parsed);
  return { code: r.code, reports: (Array.isArray(parsed) ? parsed : [parsed]) as Report[], stderr: r.stderr };
}

test('a domain with DMARC p=none, pct=50 and no rua: the DMARC conditions with their statuses', async () => {
  const { code, reports: [report] } = await auditJson(['dmarc-none.example']);
  assert.equal(code, 0, 'warnings and info only: exit 0 at the default --fail-on fail');
  assert.equal(status(report!, 'dmarc/present'), 'pass');
  assert.equal(status(report!, 'dmarc/single-record'), 'pass');
  assert.equal(status(report!, 'dmarc/policy'), 'warn');
  assert.equal(status(report!, 'dmarc/pct'), 'warn');
  assert.equal(status(report!, 'dmarc/reporting'), 'warn');
  assert.deepEqual(codes(report!, 'dmarc/policy'), ['dmarc/policy.p-none']);
  assert.equal(status(report!, 'mta-sts/present'), 'info');
  assert.equal(status(report!, 'mta-sts/policy'), 'skipped');
  assert.equal(status(report!, 'tls-rpt/present'), 'info');
  assert.equal(status(report!, 'bimi/present'), 'info');
});

test('DMARC failures, inheritance and unauthorized report destinations, several domains in one run', async () => {
  const { code, reports } = await auditJson(['dmarc-multi.example', 'missing.dmarc-inherit.example', 'dmarc-external.example', 'mail.dept.dmarc-orgsplit.example']);
  assert.equal(code, 1);
  const [multi, ghost, external, orgsplit] = reports as [Report, Report, Report, Report];
  assert.equal(status(multi, 'dmarc/present'), 'fail');
  assert.equal(status(multi, 'dmarc/single-record'), 'fail');
  assert.equal(status(ghost, 'dmarc/present'), 'info');
  assert.deepEqual(codes(ghost, 'dmarc/present'), ['dmarc/present.inherited']);
  assert.deepEqual(codes(ghost, 'dmarc/policy'), ['dmarc/policy.np-none']);
  assert.equal(status(external, 'dmarc/external-reporting'), 'warn');
  assert.deepEqual(external.checks.find((c) => c.id === 'dmarc/external-reporting')!.findings.map((f) => f.subject), ['dmarc-noauth.example']);
  assert.ok(orgsplit.checks.find((c) => c.id === 'dmarc/present')!.notes!.some((n) => /Public Suffix List/.test(n)));
  assert.equal((orgsplit.facts.dmarc!.value as { orgDomain: string }).orgDomain, 'dept.dmarc-orgsplit.example');
});

test('DKIM: discovery, --selector, weak keys and a wildcard', async () => {
  const { reports } = await auditJson(['dkim-good.example', 'dkim-tiny.example', 'dkim-wildcard.example']);
  const [good, tiny, wildcard] = reports as [Report, Report, Report];
  assert.equal(status(good, 'dkim/selectors'), 'pass');
  assert.equal(status(good, 'dkim/key-strength'), 'pass');
  assert.equal(status(good, 'dkim/key-record'), 'pass');
  assert.ok(good.checks.find((c) => c.id === 'dkim/selectors')!.notes!.some((n) => /^Tried \d+ selectors: google, selector1,/.test(n)));
  assert.equal(status(tiny, 'dkim/key-strength'), 'fail');
  assert.equal(status(wildcard, 'dkim/selectors'), 'info');
  // a selector named with --selector is tried first; one that does not exist is a warning
  const { reports: [given] } = await auditJson(['dkim-given.example'], ['--selector', 'custom2026', '--selector', 'gone']);
  assert.equal(status(given!, 'dkim/selectors'), 'warn');
  assert.deepEqual(codes(given!, 'dkim/selectors'), ['dkim/selectors.selector-not-found']);
  assert.ok(given!.checks.find((c) => c.id === 'dkim/selectors')!.notes!.some((n) => /^Tried \d+ selectors: custom2026, gone, /.test(n)));
  assert.ok(given!.checks.find((c) => c.id === 'dkim/key-strength')!.notes!.includes('custom2026: Ed25519 key.'));
});

test('MTA-STS through --connect-to with the test CA from NODE_EXTRA_CA_CERTS: each policy condition ends right', async () => {
  const domains = ['sts-enforce.example', 'sts-testing.example', 'sts-uncovered.example', 'sts-invalid.example', 'sts-redirect.example', 'sts-ctype.example', 'sts-wrongname.example'];
  const connectTo = domains.flatMap((d) => ['--connect-to', `mta-sts.${d}:443=${server.address}`]);
  const { reports } = await auditJson(domains, [...connectTo, '--only', 'mta-sts'], { NODE_EXTRA_CA_CERTS: fixtureCaPath() });
  const byDomain = Object.fromEntries(reports.map((r) => [r.domain, r]));
  assert.equal(status(byDomain['sts-enforce.example']!, 'mta-sts/policy'), 'pass');
  assert.equal((byDomain['sts-enforce.example']!.facts.mtaSts!.value as { mode: string }).mode, 'enforce');
  assert.equal(status(byDomain['sts-testing.example']!, 'mta-sts/policy'), 'info');
  assert.deepEqual(codes(byDomain['sts-uncovered.example']!, 'mta-sts/policy'), ['mta-sts/policy.mx-not-covered']);
  assert.equal(status(byDomain['sts-invalid.example']!, 'mta-sts/policy'), 'fail');
  assert.deepEqual(codes(byDomain['sts-redirect.example']!, 'mta-sts/policy'), ['mta-sts/policy.redirect']);
  assert.deepEqual(codes(byDomain['sts-ctype.example']!, 'mta-sts/policy'), ['mta-sts/policy.content-type']);
  assert.deepEqual(codes(byDomain['sts-wrongname.example']!, 'mta-sts/policy'), ['mta-sts/policy.bad-certificate']);
});

test('MTA-STS without the test CA: the loopback certificate is untrusted, so the policy fails', async () => {
  const { code, reports: [report] } = await auditJson(['sts-enforce.example'], ['--connect-to', `mta-sts.sts-enforce.example:443=${server.address}`, '--only', 'mta-sts']);
  assert.equal(code, 1);
  assert.deepEqual(codes(report!, 'mta-sts/policy'), ['mta-sts/policy.bad-certificate']);
});

test('a clean DMARC domain exits 0 on --only dmarc; TLS-RPT and BIMI verdicts in the table', async () => {
  const clean = await runBin(['dmarc-reject.example', '--resolver', dns.address, '--no-smtp', '--only', 'dmarc', '--format', 'json']);
  assert.equal(clean.code, 0, clean.stdout);
  const table = await runBin(['tlsrpt-bad.example', 'bimi-weak.example', '--resolver', dns.address, '--no-smtp', '--only', 'tls-rpt,bimi', '--no-color'], { env: { COLUMNS: '200' } });
  assert.equal(table.code, 1);
  assert.match(table.stdout, /The TLS-RPT record is invalid \[tls-rpt\/present\]/);
  assert.match(table.stdout, /The BIMI record cannot take effect \[bimi\/present\]/);
});

test('smtp-audit checks lists every DMARC, DKIM, MTA-STS, TLS-RPT and BIMI check with its RFC', async () => {
  const r = await runBin(['checks', '--format', 'json']);
  assert.equal(r.code, 0);
  const checks = JSON.parse(r.stdout) as Array<{ id: string; reference: string; description: string }>;
  const ids = [
    'dmarc/present', 'dmarc/single-record', 'dmarc/syntax', 'dmarc/policy', 'dmarc/pct', 'dmarc/reporting', 'dmarc/external-reporting',
    'dkim/selectors', 'dkim/key-strength', 'dkim/key-record', 'mta-sts/present', 'mta-sts/policy', 'tls-rpt/present', 'bimi/present',
  ];
  for (const id of ids) {
    const c = checks.find((x) => x.id === id);
    assert.ok(c, id);
    assert.match(c.reference, /RFC \d+ sections? \d/, id);
  }
});

test('--save-facts then --facts replays the DMARC, DKIM, MTA-STS, TLS-RPT and BIMI verdicts without any network', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'smtp-audit-auth-')), 'facts.json');
  const domains = ['dmarc-external.example', 'dkim-weak.example', 'sts-uncovered.example', 'bimi-weak.example'];
  const first = await runBin([...domains, '--resolver', dns.address, '--no-smtp', '--only', AREAS, '--format', 'json', '--save-facts', file,
    '--connect-to', `mta-sts.sts-uncovered.example:443=${server.address}`], { env: { NODE_EXTRA_CA_CERTS: fixtureCaPath() } });
  const replay = await runBin(['--facts', file, ...domains, '--only', AREAS, '--format', 'json']);
  assert.equal(replay.code, first.code, replay.stderr);
  const strip = (text: string) => (JSON.parse(text) as Report[]).map((r) => r.checks);
  assert.deepEqual(strip(replay.stdout), strip(first.stdout));
  assert.equal(status((JSON.parse(replay.stdout) as Report[])[2]!, 'mta-sts/policy'), 'fail');
});
