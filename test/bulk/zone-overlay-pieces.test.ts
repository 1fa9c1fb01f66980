// A large --zone file is parsed piece by piece (so its memory is a small multiple of the file,
// not the parser's tokens of all of it): the pieces must give exactly what one parse of the
// whole text gives, whatever falls on a cut ($ORIGIN and $TTL changes, parenthesized records
// over several lines, owner-less lines continuing the previous owner), and errors must name
// the line of the file, not of a piece.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseZoneFile } from '../../src/parse/zone-file.ts';
import { zoneFromText } from '../../src/net/dns/zone-overlay.ts';

/** About 3 MB of zone text (three pieces or more), with every construct that crosses lines. */
function bigZone(): string {
  const lines = ['$ORIGIN big.test.', '$TTL 300', '@ IN SOA ns1 hostmaster ( 1 7200 3600', '  1209600 300 )', '@ IN NS ns1', 'ns1 IN A 192.0.2.1'];
  for (let i = 0; i < 30_000; i++) {
    if (i % 5000 === 0) lines.push(`$TTL ${600 + i}`);
    if (i % 7000 === 0) lines.push(`$ORIGIN s${i}.big.test.`);
    lines.push(`h${i} IN A 192.0.${(i >> 8) & 255}.${i & 255}`);
    lines.push(`   IN TXT "v=spf1 ip4:192.0.${(i >> 8) & 255}.${i & 255} -all" ; same owner, no name`);
    if (i % 3 === 0) lines.push(`m${i} IN MX ( 10`, `   h${i} ) ; over two lines`);
    if (i % 11 === 0) lines.push(`t${i} 120 IN TXT "semi;colon \\" quote" "(paren"`);
  }
  return `${lines.join('\n')}\n`;
}

test('the pieces of a large zone give exactly the records of one parse of the whole text', () => {
  const text = bigZone();
  assert.ok(text.length > 3_000_000, `${text.length} characters`);
  const zone = zoneFromText(text, 'big.zone');
  const whole = parseZoneFile(text, { fileName: 'big.zone' });
  assert.equal(zone.origin, 'big.test');
  const expected = new Map<string, unknown[]>();
  for (const r of whole.records) expected.set(r.name, [...(expected.get(r.name) ?? []), r]);
  assert.equal(zone.byName.size, expected.size);
  for (const [name, records] of expected) assert.deepEqual(zone.byName.get(name), records, name);
  assert.ok(zone.byName.has('h7000.s7000.big.test'));
  assert.ok(zone.existing.has('s7000.big.test') && !zone.byName.has('s7000.big.test'), 'an empty non-terminal exists without records');
  assert.ok(zone.existing.has('big.test'));
});

test('an error in a later piece names its line in the file', () => {
  const text = bigZone();
  const lines = text.split('\n');
  const at = lines.length - 10;
  lines.splice(at, 0, 'broken IN A 300.1.1.1');
  assert.throws(() => zoneFromText(lines.join('\n'), 'big.zone'), (error: Error) => {
    assert.match(error.message, new RegExp(`^big\\.zone:${at + 1}: `));
    return true;
  });
  const directive = text.split('\n');
  directive.splice(at, 0, '$GENERATE 1-2 h$ A 192.0.2.$');
  assert.throws(() => zoneFromText(directive.join('\n'), 'big.zone'), (error: Error) => {
    assert.match(error.message, new RegExp(`^big\\.zone:${at + 1}: directive \\$GENERATE is not supported`));
    return true;
  });
});

test('a record written twice is one record, also when the copies fall in different pieces (RFC 2181 section 5)', () => {
  const text = bigZone();
  const doubled = `${text}$ORIGIN big.test.\n$TTL 300\nh5 IN A 192.0.0.5\nh5.big.test. 900 IN A 192.0.0.5\nh5 IN A 192.0.0.6\n@ IN TXT "v=spf1 -all"\n@ IN TXT "v=spf1 -all"\n@ IN TXT "v=spf1" " -all"\n`;
  const zone = zoneFromText(doubled, 'big.zone');
  const h5 = zone.byName.get('h5.big.test')!;
  assert.deepEqual(h5.filter((r) => r.type === 'A').map((r) => r.type === 'A' && [r.address, r.ttl]), [['192.0.0.5', 300], ['192.0.0.6', 300]], 'the first copy, with its TTL');
  const txt = zone.byName.get('big.test')!.filter((r) => r.type === 'TXT');
  assert.deepEqual(txt.map((r) => r.type === 'TXT' && r.strings), [['v=spf1 -all'], ['v=spf1', ' -all']], 'a different split is a different record');
});
