// --zone: a record written twice is one record. RFC 2181 section 5: an RRset holds no two RRs
// with the same owner, class, type and data ("servers should suppress such duplicates if
// encountered"), so a doubled line in a zone file must not read as two PTR (or MX, TXT...)
// records, which would turn ptr/present into "several PTR records".
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zoneFromText } from '../../src/net/dns/zone-overlay.ts';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { runBin } from '../support/run-bin.ts';
import { assertValidReport } from '../support/schema.ts';

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());

const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-zone-dup-'));
const forward = join(dir, 'mx-bad.example.zone');
writeFileSync(forward, `$ORIGIN mx-bad.example.
$TTL 300
@    IN MX 10 ok.mx-bad.example.
@    IN MX 10 ok.mx-bad.example.
ok   IN A  192.0.2.21
ok   IN A  192.0.2.21
`);
// the same PTR written twice, once relative and once absolute, once with another TTL
const reverse = join(dir, 'reverse.zone');
writeFileSync(reverse, `$ORIGIN 2.0.192.in-addr.arpa.
$TTL 300
21   IN PTR ok.mx-bad.example.
21.2.0.192.in-addr.arpa. 600 IN PTR OK.mx-bad.example.
`);

test('a doubled PTR line in a --zone file is one PTR record in the facts, and ptr/present passes', async () => {
  const r = await runBin(['mx-bad.example', '--resolver', dns.address, '--no-smtp', '--only', 'mx,ptr', '--format', 'json', '--zone', forward, '--zone', reverse]);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assertValidReport(report);
  const ptr = report.facts.ptr.value.addresses;
  assert.deepEqual(ptr.map((a: { address: string; ptr: { values: string[] } }) => [a.address, a.ptr.values]), [['192.0.2.21', ['ok.mx-bad.example']]]);
  assert.equal(report.facts.mx.value.mx.values.length, 1, 'the doubled MX line is one MX record');
  assert.equal(report.checks.find((c: { id: string }) => c.id === 'ptr/present').status, 'pass');
});

test('the overlay keeps one record per owner, type and data; different data stays', () => {
  const zone = zoneFromText(`$ORIGIN example.test.
@ IN TXT "v=spf1 -all"
@ IN TXT "v=spf1 -all"
@ IN TXT "v=spf1" " -all"
@ IN MX 10 mx.example.test.
@ IN MX 20 mx.example.test.
@ IN MX 10 MX.example.test.
`, 'example.test.zone');
  const records = zone.byName.get('example.test')!;
  assert.deepEqual(records.filter((r) => r.type === 'TXT').map((r) => r.type === 'TXT' && r.strings), [['v=spf1 -all'], ['v=spf1', ' -all']], 'TXT strings are data: a different split is a different record');
  assert.deepEqual(records.filter((r) => r.type === 'MX').map((r) => r.type === 'MX' && r.data.priority), [10, 20]);
});
