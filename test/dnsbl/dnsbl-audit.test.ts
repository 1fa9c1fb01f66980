// The dnsbl collector and both checks through audit(), against the fixture DNS server and the
// fixture lists in fixtures/zones/dnsbl-*.zone. The shipped default lists are switched off
// in every audit here (defaultDnsbls: false), and the last test proves none was queried.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { audit } from '../../src/core/audit.ts';
import type { AuditOptions } from '../../src/core/context.ts';
import { createAuditEnv } from '../../src/core/env.ts';
import { exitCodeFor } from '../../src/core/exit-code.ts';
import type { FactSlots } from '../../src/core/facts.ts';
import type { AuditEnv } from '../../src/core/context.ts';
import { selectBlocklists, type DnsblFacts } from '../../src/collect/dnsbl.ts';
import { loadDefaultBlocklists, loadShippedBlocklists } from '../../src/dnsbl/dnsbl-list.ts';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { assertValidReport } from '../support/schema.ts';

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());

const IP_LIST = 'ip.dnsbl.example';
const DOMAIN_LIST = 'domain.dnsbl.example:domain';

const newEnv = (): AuditEnv => createAuditEnv({ resolvers: [dns.address], dnsTimeoutMs: 1000, dnsTries: 1 });

async function run(target: string, dnsbls: string[], options: Partial<AuditOptions> = {}, env: AuditEnv = newEnv()) {
  const report = await audit(target, { env, only: ['dnsbl'], options: { smtp: false, defaultDnsbls: false, dnsbls, ...options } });
  assertValidReport(report);
  const slot = report.facts.dnsbl as { ok: boolean; value: DnsblFacts };
  assert.ok(slot.ok, 'the dnsbl facts were gathered');
  return {
    report,
    ip: report.checks.find((c) => c.id === 'dnsbl/ip')!,
    domain: report.checks.find((c) => c.id === 'dnsbl/domain')!,
    facts: slot.value,
  };
}

test('a listed MX address and a listed domain: both checks fail, naming list, codes, TXT reason and remedy', async () => {
  const { ip, domain, facts, report } = await run('dnsbl-listed.example', [IP_LIST, DOMAIN_LIST]);
  assert.equal(ip.status, 'fail');
  assert.equal(ip.findings.length, 1);
  const finding = ip.findings[0]!;
  assert.equal(finding.code, 'dnsbl/ip.listed');
  assert.equal(finding.severity, 'fail');
  assert.equal(finding.subject, '192.0.2.200');
  assert.match(finding.message, /^192\.0\.2\.200 \(mx\.dnsbl-listed\.example\) is listed on ip\.dnsbl\.example: 127\.0\.0\.2, 127\.0\.0\.4 \(ip\.dnsbl\.example gives no per-code meaning\); the list says "192\.0\.2\.200 hit our spam traps/);
  assert.match(finding.remediation!, /ask the operator of ip\.dnsbl\.example to remove it/);
  assert.ok(finding.evidence.includes('TXT 200.2.0.192.ip.dnsbl.example: "192.0.2.200 hit our spam traps; see https://ip.dnsbl.example/lookup?ip=192.0.2.200"'));
  assert.ok(ip.notes!.includes('Checked 1 IP blocklist for 192.0.2.200, 2001:db8::200: 0 clean, 1 listing.'));
  assert.ok(ip.notes!.includes('2001:db8::200 was not looked up on 1 list that accepts IPv4 queries only.'));

  assert.equal(domain.status, 'fail');
  assert.equal(domain.findings[0]!.code, 'dnsbl/domain.listed');
  assert.equal(domain.findings[0]!.subject, 'dnsbl-listed.example');
  assert.match(domain.findings[0]!.message, /advertised in spam/);
  assert.equal(exitCodeFor([report], 'fail'), 1);

  // the facts: every list's answer for every subject, plain JSON
  assert.deepEqual(JSON.parse(JSON.stringify(facts)), facts);
  assert.deepEqual(facts.lists.map((l) => [l.zone, l.kind, l.curated, l.sanity!.usable]), [[IP_LIST, 'ip', false, true], ['domain.dnsbl.example', 'domain', false, true]]);
  assert.deepEqual(facts.answers.map((a) => [a.zone, a.subject, a.verdict]), [
    [IP_LIST, '192.0.2.200', 'listed'],
    [IP_LIST, '2001:db8::200', 'not-applicable'],
    ['domain.dnsbl.example', 'dnsbl-listed.example', 'listed'],
  ]);
  assert.deepEqual(facts.answers[0], {
    zone: IP_LIST, kind: 'ip', subject: '192.0.2.200', queryName: '200.2.0.192.ip.dnsbl.example', verdict: 'listed',
    addresses: facts.answers[0]!.addresses, codes: facts.answers[0]!.codes, meanings: facts.answers[0]!.meanings,
    detail: null, txt: ['192.0.2.200 hit our spam traps; see https://ip.dnsbl.example/lookup?ip=192.0.2.200'], txtError: null, error: null,
  });
  assert.deepEqual([...facts.answers[0]!.codes].sort(), ['127.0.0.2', '127.0.0.4']);
  assert.deepEqual(facts.subjects.map((s) => [s.kind, s.subject, s.sources]), [
    ['ip', '192.0.2.200', ['mx']], ['ip', '2001:db8::200', ['mx']], ['domain', 'dnsbl-listed.example', ['domain', 'organizational-domain']],
  ]);
});

test('a clean domain passes both checks, with the count of lists checked and clean', async () => {
  const { ip, domain, report } = await run('dnsbl-clean.example', [IP_LIST, DOMAIN_LIST]);
  assert.equal(ip.status, 'pass');
  assert.equal(domain.status, 'pass');
  assert.deepEqual(ip.notes, ['Checked 1 IP blocklist for 192.0.2.201: 1 clean.']);
  assert.deepEqual(domain.notes, ['Checked 1 domain blocklist for dnsbl-clean.example: 1 clean.']);
  assert.equal(exitCodeFor([report], 'fail'), 0);
});

test('a list that answers 127.255.255.254 to everything: error, never a listing, and the subjects are not asked', async () => {
  const { ip, domain, facts, report } = await run('dnsbl-listed.example', ['refusing.dnsbl.example', 'refusing-domain.dnsbl.example:domain']);
  for (const check of [ip, domain]) {
    assert.equal(check.status, 'error', check.id);
    assert.deepEqual(check.findings, [], `${check.id}: a refusal is never reported as a listing`);
    assert.match(check.error!, /unusable from this resolver: it refuses this resolver \(test point \S+ answered 127\.255\.255\.254: query refused: sent via a public\/open resolver/);
  }
  assert.ok(ip.notes!.some((n) => /^Could not check refusing\.dnsbl\.example: it refused the queries for its test points/.test(n)));
  assert.ok(facts.answers.every((a) => a.verdict !== 'listed'));
  assert.deepEqual(facts.answers.map((a) => a.verdict), ['not-queried', 'not-applicable', 'not-queried']);
  assert.equal(dns.queriesFor('200.2.0.192.refusing.dnsbl.example').length, 0, 'an unusable list is not asked about the subjects');
  assert.equal(exitCodeFor([report], 'fail'), 3);
});

test('a refusal for one subject (the test points pass) is error for that list, never a listing', async () => {
  const { ip, domain } = await run('dnsbl-refused.example', [IP_LIST, DOMAIN_LIST]);
  assert.equal(ip.status, 'error');
  assert.deepEqual(ip.findings, []);
  assert.equal(ip.error, 'ip.dnsbl.example: 192.0.2.202: refused (127.255.255.254: query refused: sent via a public/open resolver (Spamhaus convention))');
  assert.equal(domain.status, 'error');
  assert.deepEqual(domain.findings, []);
});

test('a list whose test point is broken, or that lists everything, is error: its "listing" is not trusted', async () => {
  const broken = await run('dnsbl-listed.example', ['broken.dnsbl.example']);
  assert.equal(broken.ip.status, 'error');
  assert.deepEqual(broken.ip.findings, []);
  assert.match(broken.ip.error!, /^broken\.dnsbl\.example: unusable from this resolver: its always-listed test point 127\.0\.0\.2 is not listed$/);
  assert.equal(dns.queriesFor('200.2.0.192.broken.dnsbl.example').length, 0);
  const listall = await run('dnsbl-clean.example', ['listall.dnsbl.example']);
  assert.equal(listall.ip.status, 'error');
  assert.deepEqual(listall.ip.findings, []);
  assert.match(listall.ip.error!, /it lists its never-listed test point 127\.0\.0\.1/);
});

test('a list that times out is error, with the timeout named', async () => {
  const { ip, report } = await run('dnsbl-clean.example', ['timeout.dnsbl.example']);
  assert.equal(ip.status, 'error');
  assert.match(ip.error!, /^timeout\.dnsbl\.example: unusable from this resolver: its test points could not be looked up \(ETIMEOUT/);
  assert.equal(exitCodeFor([report], 'fail'), 3);
  const slow = await run('dnsbl-slow.example', [IP_LIST]);
  assert.equal(slow.ip.status, 'error');
  assert.match(slow.ip.error!, /192\.0\.2\.203: lookup failed \(ETIMEOUT/);
  const servfail = await run('dnsbl-servfail.example', [IP_LIST]);
  assert.equal(servfail.ip.status, 'error');
  assert.match(servfail.ip.error!, /192\.0\.2\.205: lookup failed \(ESERVFAIL/);
});

test('a resolver that rewrites NXDOMAIN to a public address: error, and advice to change resolver', async () => {
  const { ip } = await run('dnsbl-clean.example', ['rewriting.dnsbl.example']);
  assert.equal(ip.status, 'error');
  assert.deepEqual(ip.findings, []);
  assert.match(ip.error!, /the resolver rewrites its answers \(test point 127\.0\.0\.2 answered 198\.51\.100\.7, outside 127\.0\.0\.0\/8\)/);
  assert.ok(ip.notes!.some((n) => /The resolver rewrites answers .*--resolver/.test(n)));
  const one = await run('dnsbl-rewritten.example', [IP_LIST]);
  assert.equal(one.ip.status, 'error');
  assert.match(one.ip.error!, /192\.0\.2\.204: answer 198\.51\.100\.7 is outside 127\.0\.0\.0\/8/);
});

test('a listing still fails when another list errors; the error is kept beside it', async () => {
  const { ip } = await run('dnsbl-listed.example', [IP_LIST, 'refusing.dnsbl.example', 'timeout.dnsbl.example']);
  assert.equal(ip.status, 'fail');
  assert.equal(ip.findings.length, 1);
  assert.match(ip.error!, /refusing\.dnsbl\.example: .*timeout\.dnsbl\.example: /);
  assert.ok(ip.notes!.includes('Checked 3 IP blocklists for 192.0.2.200, 2001:db8::200: 0 clean, 1 listing, 2 could not be checked.'));
});

test('an IP target is looked up itself; the domain check is skipped', async () => {
  const { ip, domain, facts } = await run('192.0.2.200', [IP_LIST, DOMAIN_LIST]);
  assert.equal(ip.status, 'fail');
  assert.equal(ip.findings[0]!.subject, '192.0.2.200');
  assert.equal(domain.status, 'skipped');
  assert.deepEqual(facts.subjects.map((s) => [s.subject, s.sources]), [['192.0.2.200', ['target']]]);
  assert.deepEqual(facts.lists.map((l) => l.zone), [IP_LIST], 'domain lists are not asked for an IP target');
});

test('--ip addresses are looked up beside the MX addresses', async () => {
  const { ip, facts } = await run('dnsbl-clean.example', [IP_LIST], { ips: ['192.0.2.200', '192.0.2.201'] });
  assert.equal(ip.status, 'fail');
  assert.equal(ip.findings[0]!.subject, '192.0.2.200');
  assert.deepEqual(facts.subjects.filter((s) => s.kind === 'ip').map((s) => [s.subject, s.sources]), [['192.0.2.201', ['mx', 'ip-option']], ['192.0.2.200', ['ip-option']]]);
});

test('a host name is asked as itself and, on lists of registrable domains, as its organizational domain', async () => {
  const { domain, facts } = await run('mail.dnsbl-listed.example', [DOMAIN_LIST]);
  assert.equal(domain.status, 'fail');
  assert.deepEqual(domain.findings.map((f) => f.subject), ['dnsbl-listed.example']);
  assert.deepEqual(facts.answers.map((a) => [a.queryName, a.verdict]), [
    ['mail.dnsbl-listed.example.domain.dnsbl.example', 'not-listed'],
    ['dnsbl-listed.example.domain.dnsbl.example', 'listed'],
  ]);
});

test('nothing to look up: null MX and private addresses skip dnsbl/ip; no lists selected skips both', async () => {
  const nullMx = await run('dnsbl-nullmx.example', [IP_LIST]);
  assert.equal(nullMx.ip.status, 'skipped');
  assert.match(nullMx.ip.skippedReason!, /null MX/);
  assert.deepEqual(nullMx.facts.lists, [], 'no subject: the IP list is left out of the facts, test points and all');
  const privateMx = await run('dnsbl-private.example', [IP_LIST]);
  assert.equal(privateMx.ip.status, 'skipped');
  assert.deepEqual(privateMx.ip.notes, ['Not looked up: 10.0.0.25 is on a private network (RFC 1918): blocklists list public addresses only.']);
  assert.equal(dns.queriesFor('25.0.0.10.ip.dnsbl.example').length, 0);
  const none = await run('dnsbl-clean.example', []);
  assert.equal(none.ip.status, 'skipped');
  assert.match(none.ip.skippedReason!, /no IP blocklists were selected/);
  assert.equal(none.domain.status, 'skipped');
  assert.match(none.domain.skippedReason!, /no domain blocklists were selected/);
});

test('an MX lookup that fails makes dnsbl/ip error; the domain lists are still asked', async () => {
  const { ip, domain } = await run('mx-servfail.example', [IP_LIST, DOMAIN_LIST]);
  assert.equal(ip.status, 'error');
  assert.match(ip.error!, /MX lookup failed/);
  assert.equal(domain.status, 'pass');
});

test('a bulk run shares the resolver cache: each test point is asked once for several domains', async () => {
  const env = newEnv();
  const before = dns.queriesFor('2.0.0.127.ip.dnsbl.example', 'A').length;
  const results = await Promise.all(['dnsbl-clean.example', 'dnsbl-listed.example', 'dnsbl-clean.example'].map((d) => run(d, [IP_LIST], {}, env)));
  assert.deepEqual(results.map((r) => r.ip.status), ['pass', 'fail', 'pass']);
  assert.equal(dns.queriesFor('2.0.0.127.ip.dnsbl.example', 'A').length - before, 1);
});

test('saved facts judge the same with no network (--save-facts / --facts)', async () => {
  const first = await run('dnsbl-listed.example', [IP_LIST, 'refusing.dnsbl.example']);
  const saved = JSON.parse(JSON.stringify(first.report.facts)) as FactSlots;
  const count = dns.queries.length;
  const replay = await audit('dnsbl-listed.example', { env: newEnv(), facts: saved, only: ['dnsbl'] });
  assertValidReport(replay);
  assert.equal(dns.queries.length, count, 'nothing was asked');
  for (const id of ['dnsbl/ip', 'dnsbl/domain']) {
    const a = first.report.checks.find((c) => c.id === id)!;
    const b = replay.checks.find((c) => c.id === id)!;
    assert.deepEqual([b.status, b.findings, b.error, b.notes], [a.status, a.findings, a.error, a.notes], id);
  }
});

test('list selection: the shipped default set unless switched off, plus each --dnsbl zone once', () => {
  const defaults = loadDefaultBlocklists();
  assert.deepEqual(selectBlocklists({ dnsbls: [], defaultDnsbls: true }).map((s) => s.list.zone), defaults.map((l) => l.zone));
  const extended = selectBlocklists({ dnsbls: ['zen.spamhaus.org', 'bl.example.net', 'bl.example.net'], defaultDnsbls: true });
  assert.equal(extended.length, defaults.length + 1, 'a default zone named again, or a zone named twice, is asked once');
  assert.deepEqual(extended.at(-1), { list: extended.at(-1)!.list, curated: false });
  const only = selectBlocklists({ dnsbls: ['dnsbl.sorbs.net', 'dbl.spamhaus.org:domain'], defaultDnsbls: false });
  assert.deepEqual(only.map((s) => [s.list.zone, s.list.kind, s.curated, s.list.weight]), [['dnsbl.sorbs.net', 'ip', true, 1], ['dbl.spamhaus.org', 'domain', true, 9]]);
});

test('no shipped blocklist zone was queried by any test in this file', () => {
  const zones = loadShippedBlocklists().map((l) => l.zone);
  const leaked = dns.queries.filter((q) => zones.some((z) => q.name === z || q.name.endsWith(`.${z}`)));
  assert.deepEqual(leaked, []);
  assert.ok(dns.queries.length > 0);
});
