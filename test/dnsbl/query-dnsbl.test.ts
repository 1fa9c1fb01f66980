// Asking one list through the real stub resolver and the fixture DNS server
// (fixtures/zones/dnsbl-*.zone): test points, listings with their TXT reason, and every way an
// answer can fail to be a listing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAuditEnv } from '../../src/core/env.ts';
import { parseDnsblOption, type DnsblList } from '../../src/dnsbl/dnsbl-list.ts';
import { checkTestPoints, queryList, type DnsblQueryContext } from '../../src/dnsbl/query-dnsbl.ts';
import { describeCodes } from '../../src/dnsbl/dnsbl-facts.ts';
import { ZoneLimiter } from '../../src/dnsbl/zone-limiter.ts';
import type { DnsAnswer, DnsResolver, RRType } from '../../src/net/dns/types.ts';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());

function context(): DnsblQueryContext {
  const env = createAuditEnv({ resolvers: [dns.address], dnsTimeoutMs: 1000, dnsTries: 1 });
  return { resolver: env.resolver, limiter: new ZoneLimiter() };
}

const list = (spec: string): DnsblList => parseDnsblOption(spec);

test('a well-behaved list passes its RFC 5782 section 5 test points', async () => {
  const sanity = await checkTestPoints(context(), list('ip.dnsbl.example'));
  assert.equal(sanity.usable, true);
  assert.equal(sanity.reason, null);
  assert.equal(sanity.listed.queryName, '2.0.0.127.ip.dnsbl.example');
  assert.equal(sanity.listed.verdict, 'listed');
  assert.equal(sanity.notListed.queryName, '1.0.0.127.ip.dnsbl.example');
  assert.equal(sanity.notListed.verdict, 'not-listed');
  assert.equal(sanity.notListed.lookup.outcome, 'nxdomain');
  const domain = await checkTestPoints(context(), list('domain.dnsbl.example:domain'));
  assert.equal(domain.usable, true);
  assert.equal(domain.listed.queryName, 'test.domain.dnsbl.example');
  assert.equal(domain.notListed.queryName, 'invalid.domain.dnsbl.example');
});

test('a list answering 127.255.255.254 to everything is unusable: refused, not listed', async () => {
  const sanity = await checkTestPoints(context(), list('refusing.dnsbl.example'));
  assert.equal(sanity.usable, false);
  assert.equal(sanity.listed.verdict, 'refused');
  assert.equal(sanity.notListed.verdict, 'refused');
  assert.match(sanity.reason!, /refused the queries for its test points 127\.0\.0\.2 and 127\.0\.0\.1 \(127\.255\.255\.254: query refused: sent via a public\/open resolver/);
});

test('a missing always-listed point, or a listed never-listed point, makes the list unusable', async () => {
  const broken = await checkTestPoints(context(), list('broken.dnsbl.example'));
  assert.equal(broken.usable, false);
  assert.equal(broken.listed.verdict, 'not-listed');
  assert.equal(broken.notListed.ok, true);
  assert.match(broken.reason!, /always-listed test point 127\.0\.0\.2 is not listed \(NXDOMAIN\)/);
  const listall = await checkTestPoints(context(), list('listall.dnsbl.example'));
  assert.equal(listall.usable, false);
  assert.equal(listall.listed.ok, true);
  assert.equal(listall.notListed.verdict, 'listed');
  assert.match(listall.reason!, /never-listed test point 127\.0\.0\.1 is listed/);
});

test('a resolver that rewrites NXDOMAIN (answers outside 127/8) makes the list unusable', async () => {
  const sanity = await checkTestPoints(context(), list('rewriting.dnsbl.example'));
  assert.equal(sanity.usable, false);
  assert.equal(sanity.listed.verdict, 'invalid');
  assert.deepEqual(sanity.listed.codes, ['198.51.100.7']);
  assert.match(sanity.reason!, /198\.51\.100\.7 is outside 127\.0\.0\.0\/8/);
});

test('a list that never answers is unusable, with the timeout named', async () => {
  const sanity = await checkTestPoints(context(), list('timeout.dnsbl.example'));
  assert.equal(sanity.usable, false);
  assert.equal(sanity.listed.verdict, 'error');
  assert.match(sanity.reason!, /could not be looked up \(ETIMEOUT/);
});

test('a listing: reversed octets, every answer code, and the TXT reason', async () => {
  const answer = await queryList(context(), list('ip.dnsbl.example'), '192.0.2.200');
  assert.equal(answer.queryName, '200.2.0.192.ip.dnsbl.example');
  assert.equal(answer.verdict, 'listed');
  assert.deepEqual(answer.addresses.sort(), ['127.0.0.2', '127.0.0.4']);
  assert.deepEqual(answer.codes.sort(), ['127.0.0.2', '127.0.0.4']);
  assert.deepEqual(answer.txt, ['192.0.2.200 hit our spam traps; see https://ip.dnsbl.example/lookup?ip=192.0.2.200']);
  assert.equal(answer.error, null);
  assert.ok(dns.queriesFor('200.2.0.192.ip.dnsbl.example', 'TXT').length >= 1, 'the TXT reason was asked');
});

test('NXDOMAIN is not listed, and no TXT is asked for it', async () => {
  const answer = await queryList(context(), list('ip.dnsbl.example'), '192.0.2.201');
  assert.equal(answer.verdict, 'not-listed');
  assert.equal(answer.error, null);
  assert.equal(dns.queriesFor('201.2.0.192.ip.dnsbl.example', 'TXT').length, 0);
});

test('a refusal code for one subject is refused with its meaning, never a listing', async () => {
  const answer = await queryList(context(), list('ip.dnsbl.example'), '192.0.2.202');
  assert.equal(answer.verdict, 'refused');
  assert.deepEqual(answer.codes, ['127.255.255.254']);
  assert.match(answer.error!, /refused the query for 192\.0\.2\.202 .*public\/open resolver.*the listing status is unknown/);
  assert.deepEqual(answer.txt, []);
});

test('an answer outside 127/8 is invalid; a timeout and SERVFAIL are errors; none is a listing', async () => {
  const ctx = context();
  const rewritten = await queryList(ctx, list('ip.dnsbl.example'), '192.0.2.204');
  assert.equal(rewritten.verdict, 'invalid');
  assert.match(rewritten.error!, /198\.51\.100\.7 is outside 127\.0\.0\.0\/8/);
  const slow = await queryList(ctx, list('ip.dnsbl.example'), '192.0.2.203');
  assert.equal(slow.verdict, 'error');
  assert.match(slow.error!, /ETIMEOUT/);
  const servfail = await queryList(ctx, list('ip.dnsbl.example'), '192.0.2.205');
  assert.equal(servfail.verdict, 'error');
  assert.match(servfail.error!, /ESERVFAIL/);
});

test("a list's own error codes win over its listing codes (a curated list such as URIBL's 127.0.0.1)", async () => {
  // ip.dnsbl.example answers 127.0.0.2 and 127.0.0.4 for 192.0.2.200; read with codes where
  // 127.0.0.4 means "query refused", the answer is a refusal, not a listing.
  const curated: DnsblList = {
    ...list('ip.dnsbl.example'), name: 'Curated fixture list', anyCodeIsListing: false,
    codes: { '127.0.0.2': 'spam source' }, errorCodes: { '127.0.0.4': 'query refused: over quota' },
  };
  const answer = await queryList(context(), curated, '192.0.2.200');
  assert.equal(answer.verdict, 'refused');
  assert.deepEqual(answer.meanings, ['query refused: over quota']);
  const listed = await queryList(context(), { ...curated, errorCodes: {} }, '192.0.2.200');
  assert.equal(listed.verdict, 'listed');
  assert.match(listed.detail!, /also answered 127\.0\.0\.4, which Curated fixture list does not define/);
});

test('IPv6: reversed nibbles on a list that accepts them; not applicable on an IPv4-only list', async () => {
  const v6list: DnsblList = { ...list('ip6.dnsbl.example'), ipv6: true };
  const answer = await queryList(context(), v6list, '2001:db8::200');
  assert.equal(answer.queryName, '0.0.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.dnsbl.example');
  assert.equal(answer.verdict, 'listed');
  assert.deepEqual(answer.txt, ['2001:db8::200 is listed']);
  const v4only = await queryList(context(), list('ip.dnsbl.example'), '2001:db8::200');
  assert.equal(v4only.verdict, 'not-applicable');
  assert.equal(v4only.queryName, null);
  assert.match(v4only.detail!, /does not accept IPv6 queries/);
});

test('a domain list is asked the domain under its zone', async () => {
  const answer = await queryList(context(), list('domain.dnsbl.example:domain'), 'dnsbl-listed.example');
  assert.equal(answer.queryName, 'dnsbl-listed.example.domain.dnsbl.example');
  assert.equal(answer.verdict, 'listed');
  assert.match(answer.txt[0]!, /advertised in spam/);
});

test('queries to one zone stay within the per-zone limit', async () => {
  let inFlight = 0;
  let peak = 0;
  const fake: DnsResolver = {
    async query(name: string, type: RRType): Promise<DnsAnswer> {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return { name, type, outcome: 'nxdomain', rcode: 'NXDOMAIN', error: 'ENOTFOUND', records: [], cnames: [], authenticated: false, server: null, ms: 5, fromCache: false };
    },
    async resolve() { throw new Error('unused'); },
  };
  const ctx = { resolver: fake, limiter: new ZoneLimiter(3) };
  const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => queryList(ctx, list('ip.dnsbl.example'), `192.0.2.${i + 1}`)));
  assert.equal(answers.length, 12);
  assert.ok(answers.every((a) => a.verdict === 'not-listed'));
  assert.equal(peak, 3);
});

test('describeCodes pairs documented codes with their meanings and groups undocumented ones', () => {
  assert.equal(describeCodes(['127.0.0.2', '127.0.0.4'], ['spam', 'exploits']), '127.0.0.2: spam; 127.0.0.4: exploits');
  assert.equal(
    describeCodes(['127.0.0.2', '127.0.0.4'], ['listed (answer 127.0.0.2; x.example gives no per-code meaning)', 'listed (answer 127.0.0.4; x.example gives no per-code meaning)']),
    '127.0.0.2, 127.0.0.4 (x.example gives no per-code meaning)');
  assert.equal(describeCodes(['127.0.0.6'], ['black', 'grey']), '127.0.0.6 (black; grey)');
});
