import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { StubResolver, type DnsLogEntry } from '../../../src/net/dns/resolver.ts';
import { parseResolverSpec } from '../../../src/net/dns/servers.ts';
import { DnsError } from '../../../src/net/dns/types.ts';
import type { FixtureDnsServer } from '../../../src/testnet/dns-server.ts';
import { startTestDns } from '../../support/fixture-dns.ts';

// Generous per-attempt timeouts: the fixture server answers in milliseconds, but a loaded CI
// machine can stall it; only the timeout cases wait the whole budget.
let dns: FixtureDnsServer;
const resolverFor = (server: FixtureDnsServer, extra: Partial<ConstructorParameters<typeof StubResolver>[0]> = {}) =>
  new StubResolver({ servers: [{ host: server.host, port: server.port }], timeoutMs: 2000, tries: 1, ...extra });

before(async () => {
  // many strings of one TXT record make the answer bigger than the 1232-octet EDNS payload
  const big = Array.from({ length: 8 }, (_, i) => `"${String(i).repeat(250)}"`).join(' ');
  dns = await startTestDns({ extraZone: `$ORIGIN extra.example.\n$TTL 0\nbig IN TXT ${big}\n` });
});
after(() => dns.stop());

test('outcomes: ok, NXDOMAIN, NODATA, SERVFAIL, REFUSED and timeout are told apart', async () => {
  const resolver = resolverFor(dns);
  const okAnswer = await resolver.query('mx.outcomes.example', 'A');
  assert.equal(okAnswer.outcome, 'ok');
  assert.deepEqual(okAnswer.records.map((r) => r.type === 'A' && r.address), ['192.0.2.31']);
  const nx = await resolver.query('nope.outcomes.example', 'A');
  assert.deepEqual([nx.outcome, nx.rcode, nx.error], ['nxdomain', 'NXDOMAIN', 'ENOTFOUND']);
  const nodata = await resolver.query('mx.outcomes.example', 'TXT');
  assert.deepEqual([nodata.outcome, nodata.rcode, nodata.error], ['nodata', 'NOERROR', 'ENODATA']);
  const servfail = await resolver.query('servfail.outcomes.example', 'A');
  assert.deepEqual([servfail.outcome, servfail.rcode, servfail.error], ['error', 'SERVFAIL', 'ESERVFAIL']);
  const refused = await resolver.query('refused.outcomes.example', 'A');
  assert.deepEqual([refused.outcome, refused.error], ['error', 'EREFUSED']);
  const timeout = await resolver.query('timeout.outcomes.example', 'A');
  assert.deepEqual([timeout.outcome, timeout.rcode, timeout.error], ['error', null, 'ETIMEOUT']);
});

test('an empty non-terminal is NODATA, not NXDOMAIN (RFC 8020)', async () => {
  const answer = await resolverFor(dns).query('outcomes.example', 'A');
  assert.equal(answer.outcome, 'nodata');
  const ent = await resolverFor(dns).query('in-addr.arpa', 'A');
  assert.equal(ent.outcome, 'nodata');
});

test('a 600-character TXT value round-trips, split into 255-octet strings on the wire', async () => {
  const answer = await resolverFor(dns).query('long.outcomes.example', 'TXT');
  assert.equal(answer.outcome, 'ok');
  const record = answer.records[0]!;
  assert.equal(record.type, 'TXT');
  if (record.type !== 'TXT') return;
  assert.deepEqual(record.strings.map((s) => s.length), [255, 255, 90]);
  assert.equal(record.strings.join('').length, 600);
  assert.ok(record.strings.join('').startsWith('v=test1 0123'));
});

test('a truncated UDP answer is retried over TCP', async () => {
  const log: DnsLogEntry[] = [];
  const answer = await resolverFor(dns, { log: (e) => log.push(e) }).query('big.extra.example', 'TXT');
  assert.equal(answer.outcome, 'ok');
  const record = answer.records[0]!;
  assert.ok(record.type === 'TXT' && record.strings.length === 8);
  assert.equal(log[0]!.protocol, 'tcp');
});

test('identical concurrent queries reach the server once; later ones come from the cache', async () => {
  const resolver = resolverFor(dns);
  const before = dns.queriesFor('exists.outcomes.example', 'A').length;
  const answers = await Promise.all(Array.from({ length: 10 }, () => resolver.query('EXISTS.outcomes.example.', 'A')));
  assert.ok(answers.every((a) => a.outcome === 'ok'));
  assert.equal(dns.queriesFor('exists.outcomes.example', 'A').length - before, 1);
  const again = await resolver.query('exists.outcomes.example', 'A');
  assert.equal(again.fromCache, true);
  assert.equal(dns.queriesFor('exists.outcomes.example', 'A').length - before, 1);
});

test('failed answers are not kept: a later query asks again', async () => {
  const resolver = resolverFor(dns);
  const before = dns.queriesFor('servfail.outcomes.example', 'TXT').length;
  await resolver.query('servfail.outcomes.example', 'TXT');
  await resolver.query('servfail.outcomes.example', 'TXT');
  assert.equal(dns.queriesFor('servfail.outcomes.example', 'TXT').length - before, 2);
});

test('a second server answers when the first times out', async () => {
  const silent = dgram.createSocket('udp4');
  await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
  const resolver = new StubResolver({
    servers: [{ host: '127.0.0.1', port: silent.address().port }, { host: dns.host, port: dns.port }],
    timeoutMs: 1000, tries: 1,
  });
  const answer = await resolver.query('mx.outcomes.example', 'A');
  assert.equal(answer.outcome, 'ok');
  assert.equal(answer.server, dns.address);
  silent.close();
});

test('names that cannot go on the wire are EBADNAME without a query', async () => {
  const resolver = resolverFor(dns);
  const answer = await resolver.query(`${'a'.repeat(64)}.example`, 'A');
  assert.deepEqual([answer.outcome, answer.error], ['error', 'EBADNAME']);
  assert.equal(resolver.networkQueries, 0);
});

test('resolve() speaks node:dns/promises: shapes and error codes', async () => {
  const resolver = resolverFor(dns);
  assert.deepEqual(await resolver.resolve('outcomes.example', 'MX'), [{ exchange: 'mx.outcomes.example', priority: 10 }]);
  const txt = await resolver.resolve('long.outcomes.example', 'TXT') as string[][];
  assert.equal(txt[0]!.length, 3);
  await assert.rejects(resolver.resolve('nope.outcomes.example', 'A'), (e: unknown) => e instanceof DnsError && e.code === 'ENOTFOUND');
  await assert.rejects(resolver.resolve('mx.outcomes.example', 'TXT'), (e: unknown) => e instanceof DnsError && e.code === 'ENODATA');
  await assert.rejects(resolver.resolve('timeout.outcomes.example', 'A'), (e: unknown) => e instanceof DnsError && e.code === 'ETIMEOUT');
  await assert.rejects(resolver.resolve('servfail.outcomes.example', 'A'), (e: unknown) => e instanceof DnsError && e.code === 'ESERVFAIL');
});

test('IPv6 resolvers work ([::1]:port)', async () => {
  const v6 = await startTestDns({ host: '::1' });
  try {
    const server = parseResolverSpec(v6.address);
    assert.equal(server.host, '::1');
    const answer = await new StubResolver({ servers: [server], timeoutMs: 2000, tries: 1 }).query('mx.outcomes.example', 'A');
    assert.equal(answer.outcome, 'ok');
  } finally {
    await v6.stop();
  }
});

test('--resolver specs: ip, ip:port, [v6]:port, bare v6; others rejected', () => {
  assert.deepEqual(parseResolverSpec('192.0.2.53'), { host: '192.0.2.53', port: 53 });
  assert.deepEqual(parseResolverSpec('127.0.0.1:5353'), { host: '127.0.0.1', port: 5353 });
  assert.deepEqual(parseResolverSpec('[::1]:5353'), { host: '::1', port: 5353 });
  assert.deepEqual(parseResolverSpec('2001:db8::53'), { host: '2001:db8::53', port: 53 });
  assert.throws(() => parseResolverSpec('dns.example'), /not an IP address/);
  assert.throws(() => parseResolverSpec('127.0.0.1:99999'), /invalid port/);
});
