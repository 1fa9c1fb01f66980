// The --zone overlay: which names a zone file is authoritative for, and how it answers them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lookupFact, pickAddress } from '../../../src/net/dns/lookup-fact.ts';
import type { DnsAnswer, DnsResolver, RRType } from '../../../src/net/dns/types.ts';
import { readZoneFile, watchZoneAnswers, zoneFromText, ZoneOverlayResolver } from '../../../src/net/dns/zone-overlay.ts';

/** The "published DNS": every name exists with one A record 198.51.100.1; it counts questions. */
function published(): DnsResolver & { asked: string[] } {
  const asked: string[] = [];
  const query = async (name: string, type: RRType): Promise<DnsAnswer> => {
    asked.push(`${type} ${name}`);
    return {
      name, type, outcome: type === 'A' ? 'ok' : 'nodata', rcode: 'NOERROR', error: type === 'A' ? null : 'ENODATA',
      records: type === 'A' ? [{ type: 'A', name, ttl: 60, address: '198.51.100.1' }] : [], cnames: [], authenticated: true,
      server: '127.0.0.1:53', ms: 1, fromCache: false,
    };
  };
  return { asked, query, resolve: async () => { throw new Error('unused'); } };
}

const ZONE = `$ORIGIN example.test.
$TTL 300
@            IN SOA ns1 hostmaster 1 3600 600 86400 300
@            IN MX  10 mx
mx           IN A   192.0.2.25
mx           IN AAAA 2001:db8:0:0::25
alias        IN CNAME mx
outside      IN CNAME host.elsewhere.test.
loop1        IN CNAME loop2
loop2        IN CNAME loop1
a.b.deep     IN TXT "deep"
*.wild       IN TXT "wildcard"
sub          IN NS  ns.provider.test.
glue.sub     IN A   192.0.2.99
`;

function overlay(text = ZONE) {
  const next = published();
  return { next, resolver: new ZoneOverlayResolver(next, [zoneFromText(text, 'example.test.zone')]) };
}

test('names in the file are answered from it, marked source zone-file, never asked of DNS', async () => {
  const { next, resolver } = overlay();
  const mx = await resolver.query('Example.Test.', 'MX');
  assert.equal(mx.outcome, 'ok');
  assert.equal(mx.source, 'zone-file');
  assert.equal(mx.name, 'example.test');
  assert.deepEqual(mx.records.map((r) => r.type === 'MX' && r.data), [{ priority: 10, exchange: 'mx.example.test' }]);
  assert.equal(mx.authenticated, false);
  const aaaa = await resolver.query('mx.example.test', 'AAAA');
  assert.deepEqual(aaaa.records.map((r) => 'address' in r && r.address), ['2001:db8::25']);
  assert.deepEqual(next.asked, []);
});

test('inside the origin the file is the whole truth: NXDOMAIN and NODATA too', async () => {
  const { next, resolver } = overlay();
  const missing = await resolver.query('nothere.example.test', 'A');
  assert.deepEqual([missing.outcome, missing.rcode, missing.error, missing.source], ['nxdomain', 'NXDOMAIN', 'ENOTFOUND', 'zone-file']);
  const nodata = await resolver.query('mx.example.test', 'TXT');
  assert.deepEqual([nodata.outcome, nodata.rcode, nodata.error], ['nodata', 'NOERROR', 'ENODATA']);
  // an empty non-terminal exists (RFC 8020): NODATA, not NXDOMAIN
  const ent = await resolver.query('b.deep.example.test', 'TXT');
  assert.equal(ent.outcome, 'nodata');
  assert.deepEqual(next.asked, []);
});

test('names outside the origin and below a delegation go to DNS untouched', async () => {
  const { next, resolver } = overlay();
  const outside = await resolver.query('www.other.test', 'A');
  assert.equal(outside.source, undefined);
  assert.equal(outside.authenticated, true);
  const delegated = await resolver.query('host.sub.example.test', 'A');
  assert.equal(delegated.source, undefined);
  await resolver.query('glue.sub.example.test', 'A');
  await resolver.query('sub.example.test', 'NS');
  assert.deepEqual(next.asked, ['A www.other.test', 'A host.sub.example.test', 'A glue.sub.example.test', 'NS sub.example.test']);
  assert.equal(resolver.zoneFor('example.test.')?.file, 'example.test.zone');
  assert.equal(resolver.zoneFor('x.sub.example.test'), null);
});

test('CNAMEs are followed inside the file, and out of it through DNS', async () => {
  const { next, resolver } = overlay();
  const alias = await resolver.query('alias.example.test', 'A');
  assert.deepEqual([alias.outcome, alias.cnames, alias.records.map((r) => 'address' in r && r.address)], ['ok', ['mx.example.test'], ['192.0.2.25']]);
  const cname = await resolver.query('alias.example.test', 'CNAME');
  assert.deepEqual(cname.records.map((r) => 'target' in r && r.target), ['mx.example.test']);
  const out = await resolver.query('outside.example.test', 'A');
  assert.deepEqual([out.outcome, out.cnames, out.source, out.authenticated], ['ok', ['host.elsewhere.test'], 'zone-file', false]);
  assert.deepEqual(next.asked, ['A host.elsewhere.test']);
  const loop = await resolver.query('loop1.example.test', 'A');
  assert.deepEqual([loop.outcome, loop.error], ['error', 'ESERVFAIL']);
});

test('wildcards answer for names that do not exist, at the closest encloser only', async () => {
  const { resolver } = overlay();
  const hit = await resolver.query('anything.wild.example.test', 'TXT');
  assert.deepEqual(hit.records.map((r) => r.type === 'TXT' && r.strings), [['wildcard']]);
  assert.equal(hit.records[0]!.name, 'anything.wild.example.test');
  assert.equal((await resolver.query('wild.example.test', 'TXT')).outcome, 'nodata');
});

test('resolve() gives node:dns shapes and DnsError codes; lookup facts keep fromZoneFile', async () => {
  const { resolver } = overlay();
  assert.deepEqual(await resolver.resolve('example.test', 'MX'), [{ exchange: 'mx.example.test', priority: 10 }]);
  await assert.rejects(resolver.resolve('nothere.example.test', 'A'), { code: 'ENOTFOUND' });
  const fact = lookupFact(await resolver.query('mx.example.test', 'A'), pickAddress);
  assert.deepEqual(fact, { outcome: 'ok', values: ['192.0.2.25'], fromZoneFile: true });
});

test('the longest origin wins; two files for one origin are refused', async () => {
  const parent = zoneFromText('$ORIGIN example.test.\nhost IN A 192.0.2.1\n', 'parent.zone');
  const child = zoneFromText('$ORIGIN deep.example.test.\nhost IN A 192.0.2.2\n', 'child.zone');
  const resolver = new ZoneOverlayResolver(published(), [parent, child]);
  assert.equal(resolver.zoneFor('host.deep.example.test')?.file, 'child.zone');
  assert.equal(resolver.zoneFor('host.example.test')?.file, 'parent.zone');
  assert.throws(() => new ZoneOverlayResolver(published(), [parent, zoneFromText('$ORIGIN example.test.\n', 'again.zone')]), /parent\.zone and --zone again\.zone are both for example\.test/);
});

test('the origin: given, else the first $ORIGIN, else the single SOA owner; out-of-zone data is set aside', () => {
  assert.equal(zoneFromText('@ IN A 192.0.2.1\n', 'f', 'given.test.').origin, 'given.test');
  assert.equal(zoneFromText('example.test. IN SOA ns.example.test. h.example.test. 1 2 3 4 5\nwww.example.test. IN A 192.0.2.1\n', 'f').origin, 'example.test');
  assert.throws(() => zoneFromText('www.example.test. IN A 192.0.2.1\n', 'f.zone'), /f\.zone: cannot tell the zone's origin .*--zone <origin>=f\.zone/);
  const zone = zoneFromText('$ORIGIN example.test.\nwww IN A 192.0.2.1\n$ORIGIN other.test.\nwww IN A 192.0.2.2\n', 'f');
  assert.deepEqual(zone.ignoredOwners, ['www.other.test']);
  assert.throws(() => zoneFromText('$ORIGIN example.test.\n$FIXTURE www timeout\n', 'f.zone'), /f\.zone:2: directive \$FIXTURE is not supported/);
});

test('readZoneFile reads <file> and <origin>=<file>, and names the file when it cannot', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-zone-'));
  const file = join(dir, 'db.example');
  writeFileSync(file, '@ IN MX 10 mx\nmx IN A 192.0.2.9\n');
  const zone = readZoneFile(`example.test=${file}`);
  assert.equal(zone.origin, 'example.test');
  assert.deepEqual([...zone.byName.keys()], ['example.test', 'mx.example.test']);
  assert.throws(() => readZoneFile(file), /relative name '@'|no origin/);
  assert.throws(() => readZoneFile(join(dir, 'missing.zone')), /missing\.zone: cannot read it \(ENOENT\)/);
  const odd = join(dir, 'a=b.zone');
  writeFileSync(odd, '$ORIGIN odd.test.\n@ IN A 192.0.2.1\n');
  assert.equal(readZoneFile(odd).origin, 'odd.test', 'an existing file name with = is a file');
});

test('watchZoneAnswers lists the names one audit had answered from a file', async () => {
  const { resolver } = overlay();
  const names = new Set<string>();
  const watched = watchZoneAnswers(resolver, names);
  await watched.query('EXAMPLE.test', 'MX');
  await watched.query('www.other.test', 'A');
  await assert.rejects(watched.resolve('nothere.example.test', 'A'), { code: 'ENOTFOUND' });
  assert.deepEqual([...names], ['example.test', 'nothere.example.test']);
});
