import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBin } from '../support/run-bin.ts';
import { assertValidReport } from '../support/schema.ts';

test('demo audits the sample domains offline and exits 0', async () => {
  const r = await runBin(['demo', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const reports = JSON.parse(r.stdout);
  assertValidReport(reports);
  assert.deepEqual(reports.map((x: { domain: string }) => x.domain), ['good.example', 'broken.example', 'nomail.example', 'implicit.example']);
  const status = (domain: string, id: string) => reports.find((x: { domain: string }) => x.domain === domain).checks.find((c: { id: string }) => c.id === id).status;
  assert.equal(status('good.example', 'mx/targets'), 'pass');
  assert.equal(status('good.example', 'ptr/forward-confirmed'), 'pass');
  assert.equal(status('broken.example', 'mx/targets'), 'fail');
  assert.equal(status('broken.example', 'ptr/present'), 'fail');
  assert.equal(status('broken.example', 'ptr/forward-confirmed'), 'warn');
  assert.equal(status('nomail.example', 'mx/present'), 'info');
  assert.equal(status('implicit.example', 'mx/present'), 'warn');
  // SPF: good.example is clean (v=spf1 mx -all); broken.example's includes take it to 12 lookups and it uses ptr
  for (const id of ['spf/present', 'spf/single-record', 'spf/syntax', 'spf/lookup-limit', 'spf/void-lookups', 'spf/all-qualifier', 'spf/deprecated-ptr']) {
    assert.equal(status('good.example', id), 'pass', id);
  }
  assert.equal(status('broken.example', 'spf/lookup-limit'), 'fail');
  assert.equal(status('broken.example', 'spf/deprecated-ptr'), 'warn');
  assert.equal(status('broken.example', 'spf/include-targets'), 'pass');
  const brokenSpf = reports.find((x: { domain: string }) => x.domain === 'broken.example').checks.find((c: { id: string }) => c.id === 'spf/lookup-limit');
  assert.match(brokenSpf.findings[0].message, /needs 12 DNS lookups/);
  // DMARC, DKIM, MTA-STS (served by the demo's loopback HTTPS policy server), TLS-RPT and BIMI:
  // all in order for good.example; broken.example has p=none at pct=50 with unauthorized external
  // reports, a 1024-bit key, a policy host that does not exist and a TLS-RPT record without rua
  for (const id of ['dmarc/present', 'dmarc/single-record', 'dmarc/syntax', 'dmarc/policy', 'dmarc/pct', 'dmarc/reporting', 'dmarc/external-reporting',
    'dkim/selectors', 'dkim/key-strength', 'dkim/key-record', 'mta-sts/present', 'mta-sts/policy', 'tls-rpt/present', 'bimi/present']) {
    assert.equal(status('good.example', id), 'pass', id);
  }
  assert.equal(reports[0].facts.mtaSts.value.mode, 'enforce');
  assert.equal(status('broken.example', 'dmarc/policy'), 'warn');
  assert.equal(status('broken.example', 'dmarc/pct'), 'warn');
  assert.equal(status('broken.example', 'dmarc/external-reporting'), 'warn');
  assert.equal(status('broken.example', 'dkim/key-strength'), 'warn');
  assert.equal(status('broken.example', 'mta-sts/policy'), 'fail');
  assert.equal(status('broken.example', 'tls-rpt/present'), 'fail');
});

test('demo prints a readable table', async () => {
  const r = await runBin(['demo']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /smtp-audit .* good\.example/);
  assert.match(r.stdout, /smtp-audit .* broken\.example/);
  assert.doesNotMatch(r.stdout, /\x1b/);
});

test('demo: the live SMTP probe meets good and broken fixture MTAs on loopback', async () => {
  const r = await runBin(['demo', '--format', 'json', '--only', 'smtp,tls,relay,dane']);
  assert.equal(r.code, 0, r.stderr);
  const reports = JSON.parse(r.stdout);
  assertValidReport(reports);
  const byDomain = (domain: string) => reports.find((x: { domain: string }) => x.domain === domain);
  const result = (domain: string, id: string) => byDomain(domain).checks.find((c: { id: string }) => c.id === id);
  const codes = (domain: string, id: string) => result(domain, id).findings.map((f: { code: string }) => f.code);
  // good.example: mx1 (IPv4 and IPv6) and mx2, STARTTLS with trusted certificates, DANE records that match
  for (const id of ['smtp/reachable', 'smtp/banner', 'smtp/auth-plaintext', 'tls/starttls', 'tls/protocol', 'tls/certificate', 'relay/open', 'dane/tlsa']) {
    assert.equal(result('good.example', id).status, 'pass', id);
  }
  const good = byDomain('good.example').facts.smtp.value.addresses;
  assert.deepEqual(good.map((a: { address: string }) => a.address), ['192.0.2.10', '2001:db8::10', '192.0.2.11']);
  assert.ok(good.every((a: { transcript: { entries: unknown[] } }) => a.transcript.entries.length > 10));
  // broken.example: no STARTTLS and AUTH in plaintext, a self-signed TLS 1.0 server that fails its TLSA record, an expired open relay
  assert.deepEqual(codes('broken.example', 'tls/starttls'), ['tls/starttls.not-offered']);
  assert.deepEqual(codes('broken.example', 'smtp/auth-plaintext'), ['smtp/auth-plaintext.offered']);
  assert.deepEqual(codes('broken.example', 'tls/protocol'), ['tls/protocol.legacy-accepted']);
  assert.deepEqual(codes('broken.example', 'tls/certificate').sort(), ['tls/certificate.expired', 'tls/certificate.self-signed']);
  assert.deepEqual(codes('broken.example', 'relay/open'), ['relay/open.open-accepts-all']);
  assert.deepEqual(codes('broken.example', 'dane/tlsa'), ['dane/tlsa.mismatch']);
  // implicit.example: nothing listens on port 25 (could not tell); nomail.example: null MX (skipped)
  assert.equal(result('implicit.example', 'smtp/reachable').status, 'error');
  assert.match(result('implicit.example', 'smtp/reachable').error, /connection refused/);
  assert.equal(result('nomail.example', 'smtp/reachable').status, 'skipped');
});

test('demo blocklists: the demo lists answer, the shipped real ones are never asked', async () => {
  const r = await runBin(['demo', '--only', 'dnsbl', '--format', 'json', '--verbose']);
  assert.equal(r.code, 0, r.stderr);
  const reports = JSON.parse(r.stdout);
  const status = (domain: string, id: string) => reports.find((x: { domain: string }) => x.domain === domain).checks.find((c: { id: string }) => c.id === id).status;
  assert.equal(status('good.example', 'dnsbl/ip'), 'pass');
  assert.equal(status('broken.example', 'dnsbl/ip'), 'fail');
  assert.equal(status('good.example', 'dnsbl/domain'), 'pass');
  assert.doesNotMatch(r.stderr, /spamhaus|barracuda|spamcop/i, 'no shipped list was queried');
});
