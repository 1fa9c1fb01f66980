import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { absoluteName, parseZoneFile, ZoneFileError } from '../../src/parse/zone-file.ts';
import type { ZoneRecord } from '../../src/parse/zone-file.ts';

function only(text: string, options?: Parameters<typeof parseZoneFile>[1]): ZoneRecord {
  const { records } = parseZoneFile(text, options);
  assert.equal(records.length, 1, `expected one record, got ${JSON.stringify(records)}`);
  return records[0];
}

/** Asserts parseZoneFile throws a ZoneFileError at `line` whose message matches `pattern`. */
function rejects(text: string, line: number, pattern: RegExp, options?: Parameters<typeof parseZoneFile>[1]): ZoneFileError {
  let caught: unknown;
  try {
    parseZoneFile(text, options);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ZoneFileError, `expected a ZoneFileError, got ${String(caught)}`);
  assert.equal(caught.line, line, caught.message);
  assert.match(caught.message, pattern);
  assert.ok(caught.message.startsWith(`${options?.fileName ?? 'zone'}:${line}: `), caught.message);
  return caught;
}

describe('names', () => {
  it('appends $ORIGIN to relative names, lowercases, and drops the trailing dot', () => {
    const zone = parseZoneFile('$ORIGIN Example.COM.\nWWW 300 IN A 192.0.2.1\nmail.Other.NET. 300 IN A 192.0.2.2\n');
    assert.equal(zone.origin, 'example.com');
    assert.deepEqual(zone.records.map((r) => r.name), ['www.example.com', 'mail.other.net']);
  });

  it('resolves names inside rdata against the origin too', () => {
    const record = only('$ORIGIN example.com.\n@ MX 10 mx1\n');
    assert.deepEqual(record, { name: 'example.com', ttl: 3600, type: 'MX', data: { priority: 10, exchange: 'mx1.example.com' } });
  });

  it('uses options.origin and lets a later $ORIGIN change resolution, relative to the current one', () => {
    const zone = parseZoneFile('a A 192.0.2.1\n$ORIGIN sub\nb A 192.0.2.2\n$ORIGIN other.test.\nc A 192.0.2.3\n', { origin: 'example.com' });
    assert.equal(zone.origin, 'example.com');
    assert.deepEqual(zone.records.map((r) => r.name), ['a.example.com', 'b.sub.example.com', 'c.other.test']);
  });

  it('accepts options.origin with a trailing dot and reports the first $ORIGIN when none is given', () => {
    assert.equal(only('x A 192.0.2.1', { origin: 'example.com.' }).name, 'x.example.com');
    assert.equal(parseZoneFile('$ORIGIN a.test.\n$ORIGIN b.test.\n').origin, 'a.test');
    assert.equal(parseZoneFile('').origin, null);
  });

  it('@ is the origin, in the owner and in rdata', () => {
    const zone = parseZoneFile('$ORIGIN example.com.\n@ 60 IN CNAME @\n');
    assert.deepEqual(zone.records[0], { name: 'example.com', ttl: 60, type: 'CNAME', target: 'example.com' });
  });

  it('the root is the empty string', () => {
    const record = only('. 60 IN NS a.root-servers.net.\n');
    assert.equal(record.name, '');
    assert.deepEqual(only('$ORIGIN .\nx. A 192.0.2.1').name, 'x');
  });

  it('a blank owner repeats the previous owner, even across directives', () => {
    const zone = parseZoneFile('$ORIGIN example.com.\nmx 300 A 192.0.2.1\n\tAAAA 2001:db8::1\n$TTL 60\n  TXT "hi"\nwww A 192.0.2.9\n');
    assert.deepEqual(zone.records.map((r) => [r.name, r.type]), [
      ['mx.example.com', 'A'], ['mx.example.com', 'AAAA'], ['mx.example.com', 'TXT'], ['www.example.com', 'A'],
    ]);
  });

  it('rejects a blank owner with no previous record', () => {
    rejects('$ORIGIN example.com.\n  A 192.0.2.1\n', 2, /no record came before/);
  });

  it('rejects a relative name, or @, when no origin is known', () => {
    rejects('www A 192.0.2.1\n', 1, /relative name 'www' but no origin/);
    rejects('\n@ A 192.0.2.1\n', 2, /'@' used but no origin/);
    rejects('x. CNAME target\n', 1, /relative name 'target'/);
  });

  it('enforces the 63-octet label and 253-octet name limits', () => {
    const label63 = 'a'.repeat(63);
    assert.equal(only(`${label63}.test. A 192.0.2.1`).name, `${label63}.test`);
    rejects(`${'a'.repeat(64)}.test. A 192.0.2.1`, 1, /64 octets, over the 63-octet limit/);
    const name253 = `${['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63)].join('.')}.${'d'.repeat(61)}`;
    assert.equal(name253.length, 253);
    assert.equal(only(`${name253}. A 192.0.2.1`).name, name253);
    rejects(`${name253}x. A 192.0.2.1`, 1, /254 octets .* over the 253-octet limit/);
    // The limit applies after the origin is appended.
    rejects(`$ORIGIN ${'e'.repeat(63)}.\n${name253.slice(0, 200)} A 192.0.2.1`, 2, /over the 253-octet limit/);
  });

  it('rejects empty labels', () => {
    rejects('a..test. A 192.0.2.1', 1, /empty label/);
  });

  it('keeps escaped octets in names in escaped form and decodes \\DDD for plain characters', () => {
    const record = only('$ORIGIN example.com.\n@ SOA ns1 john\\.doe 1 2 3 4 5\n');
    assert.equal(record.type, 'SOA');
    if (record.type === 'SOA') assert.equal(record.data.rname, 'john\\.doe.example.com');
    assert.equal(only('\\065b\\032c.test. A 192.0.2.1').name, 'ab\\032c.test');
  });

  it('absoluteName resolves directive arguments the same way', () => {
    assert.equal(absoluteName('Timeout', 'example.com'), 'timeout.example.com');
    assert.equal(absoluteName('x.Test.', 'example.com'), 'x.test');
    assert.equal(absoluteName('@', 'example.com'), 'example.com');
    assert.equal(absoluteName('www', ''), 'www');
    assert.equal(absoluteName('.', null), '');
    assert.throws(() => absoluteName('www', null), /no origin/);
    assert.throws(() => absoluteName(`${'a'.repeat(64)}.`, null), /63-octet limit/);
  });
});

describe('TTL and class', () => {
  it('defaults to 3600, then options.defaultTtl, then the last $TTL', () => {
    assert.equal(only('x. A 192.0.2.1').ttl, 3600);
    assert.equal(only('x. A 192.0.2.1', { defaultTtl: 42 }).ttl, 42);
    const zone = parseZoneFile('a. A 192.0.2.1\n$TTL 120\nb. A 192.0.2.1\n$TTL 7\nc. A 192.0.2.1\nd. 99 A 192.0.2.1\n', { defaultTtl: 42 });
    assert.deepEqual(zone.records.map((r) => r.ttl), [42, 120, 7, 99]);
  });

  it('accepts BIND unit forms in $TTL and record TTLs', () => {
    const zone = parseZoneFile('$TTL 1h\na. A 192.0.2.1\n$TTL 2D\nb. A 192.0.2.1\nc. 1w30m A 192.0.2.1\nd. 1h1m1s IN A 192.0.2.1\n');
    assert.deepEqual(zone.records.map((r) => r.ttl), [3600, 172800, 604800 + 1800, 3661]);
  });

  it('rejects malformed or out-of-range TTLs', () => {
    rejects('$TTL 1x\n', 1, /invalid \$TTL '1x'/);
    rejects('\n\na. 12q A 192.0.2.1', 3, /invalid TTL '12q'/);
    rejects('a. 2147483648 A 192.0.2.1', 1, /over the maximum 2147483647/);
    rejects('a. 1h30 A 192.0.2.1', 1, /invalid TTL/);
  });

  it('takes ttl and class in either order, both optional', () => {
    const zone = parseZoneFile('a. 300 IN A 192.0.2.1\nb. IN 300 A 192.0.2.2\nc. in A 192.0.2.3\nd. 5m A 192.0.2.4\n');
    assert.deepEqual(zone.records.map((r) => [r.name, r.ttl]), [['a', 300], ['b', 300], ['c', 3600], ['d', 300]]);
  });

  it('rejects classes other than IN and repeated ttl or class', () => {
    rejects('a. CH TXT "x"', 1, /class CH is not supported/);
    rejects('a. 300 HS A 192.0.2.1', 1, /class HS is not supported/);
    rejects('a. 300 IN 400 A 192.0.2.1', 1, /TTL given twice/);
    rejects('a. IN 300 IN A 192.0.2.1', 1, /class given twice/);
    rejects('a. 300 IN', 1, /missing record type/);
  });
});

describe('comments, parentheses, quotes, escapes', () => {
  it('strips comments but keeps ; inside quotes', () => {
    const zone = parseZoneFile('; header comment\n_dmarc.x. TXT "v=DMARC1; p=reject" ; trailing comment\n   ; indented comment only\n');
    assert.equal(zone.records.length, 1);
    assert.deepEqual(zone.records[0], { name: '_dmarc.x', ttl: 3600, type: 'TXT', strings: ['v=DMARC1; p=reject'] });
  });

  it('continues a SOA over several lines in parentheses, with comments and units', () => {
    const text = [
      '$ORIGIN example.com.',
      '@ 86400 IN SOA ns1 hostmaster (',
      '    2024010101 ; serial',
      '    2h         ; refresh',
      '    30M        ; retry',
      '    2w         ; expire',
      '    300 )      ; minimum',
      'www A 192.0.2.1',
    ].join('\n');
    const zone = parseZoneFile(text);
    assert.deepEqual(zone.records[0], {
      name: 'example.com', ttl: 86400, type: 'SOA',
      data: { mname: 'ns1.example.com', rname: 'hostmaster.example.com', serial: 2024010101, refresh: 7200, retry: 1800, expire: 1209600, minimum: 300 },
    });
    assert.equal(zone.records[1].name, 'www.example.com');
  });

  it('continues a long TXT over several lines as separate strings', () => {
    const zone = parseZoneFile('sel._domainkey.x. IN TXT ( "v=DKIM1; k=rsa; "\n\t"p=MIIBIjAN"\n\t"QAB" )\nnext.x. A 192.0.2.1\n');
    assert.deepEqual(zone.records[0], { name: 'sel._domainkey.x', ttl: 3600, type: 'TXT', strings: ['v=DKIM1; k=rsa; ', 'p=MIIBIjAN', 'QAB'] });
    assert.equal(zone.records[1].name, 'next.x');
  });

  it('reports unbalanced parentheses at the right line', () => {
    rejects('a. TXT "x"\nb. SOA ns. h. ( 1 2 3\n4 5\n', 2, /'\(' is never closed/);
    rejects('a. A 192.0.2.1 )', 1, /'\)' without a matching '\('/);
  });

  it('decodes \\", \\\\, \\DDD and \\X escapes in strings', () => {
    const record = only('x. TXT "say \\"hi\\"" "back\\\\slash" "\\065\\066C" "\\;\\x" unquoted\\032word');
    assert.deepEqual(record, { name: 'x', ttl: 3600, type: 'TXT', strings: ['say "hi"', 'back\\slash', 'ABC', ';x', 'unquoted word'] });
  });

  it('decodes string octets as UTF-8, both literal and \\DDD-escaped', () => {
    const record = only('x. TXT "héllo" "\\195\\169" ""');
    assert.deepEqual(record.type === 'TXT' && record.strings, ['héllo', 'é', '']);
  });

  it('rejects malformed escapes and quotes', () => {
    rejects('x. TXT "\\256"', 1, /over 255/);
    rejects('x. TXT "\\12a"', 1, /three decimal digits/);
    rejects('\nx. TXT "open\n', 2, /unterminated quoted string/);
    rejects('x. TXT ab"c"', 1, /unexpected quote/);
    rejects('x. TXT "a"b', 1, /right after a quoted string/);
    rejects('x. TXT abc\\\ny. A 192.0.2.1', 1, /backslash at end of line/);
  });

  it('accepts CRLF line endings and a byte-order mark', () => {
    const text = '\uFEFF$ORIGIN example.com.\r\n$TTL 60\r\n@ SOA ns1 host (\r\n 1 2 3 4 5 )\r\nwww A 192.0.2.1\r\n  TXT "a" ; c\r\n';
    const zone = parseZoneFile(text);
    assert.deepEqual(zone.records.map((r) => [r.name, r.type, r.ttl]), [
      ['example.com', 'SOA', 60], ['www.example.com', 'A', 60], ['www.example.com', 'TXT', 60],
    ]);
    assert.deepEqual(zone.records[2].type === 'TXT' && zone.records[2].strings, ['a']);
  });
});

describe('TXT and SPF', () => {
  it('keeps a 600-character string whole', () => {
    const long = 'k'.repeat(600);
    const record = only(`x. TXT "${long}"`);
    assert.deepEqual(record.type === 'TXT' && record.strings, [long]);
  });

  it('keeps multiple strings separate, quoted and unquoted, without joining', () => {
    const record = only('x. SPF "v=spf1" include:_spf.example.net "~all"');
    assert.deepEqual(record, { name: 'x', ttl: 3600, type: 'SPF', strings: ['v=spf1', 'include:_spf.example.net', '~all'] });
  });

  it('rejects a TXT with no strings', () => {
    rejects('x. TXT ; nothing', 1, /TXT needs at least one character-string/);
    rejects('x. TXT ( )', 1, /TXT needs at least one character-string/);
  });
});

describe('record types', () => {
  it('parses A and rejects invalid IPv4', () => {
    assert.deepEqual(only('x. A 192.0.2.1'), { name: 'x', ttl: 3600, type: 'A', address: '192.0.2.1' });
    rejects('x. A 192.0.2', 1, /'192.0.2' is not a valid IPv4/);
    rejects('x. A 192.0.2.01', 1, /not a valid IPv4/);
    rejects('x. A 192.0.2.1 192.0.2.2', 1, /A needs 1 rdata field \(address\), found 2/);
  });

  it('parses AAAA into lowercase compressed form', () => {
    const cases: Array<[string, string]> = [
      ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
      ['0:0:0:0:0:0:0:0', '::'],
      ['::FFFF:192.0.2.1', '::ffff:192.0.2.1'],
      ['64:ff9b::192.0.2.1', '64:ff9b::c000:201'],
    ];
    for (const [input, expected] of cases) {
      assert.deepEqual(only(`x. AAAA ${input}`), { name: 'x', ttl: 3600, type: 'AAAA', address: expected }, input);
    }
    rejects('x. AAAA 2001:db8::g', 1, /not a valid IPv6/);
    rejects('x. AAAA fe80::1%eth0', 1, /not a valid IPv6/);
    rejects('x. AAAA 192.0.2.1', 1, /not a valid IPv6/);
  });

  it('parses MX, including null MX', () => {
    assert.deepEqual(only('x. MX 0 .'), { name: 'x', ttl: 3600, type: 'MX', data: { priority: 0, exchange: '' } });
    assert.deepEqual(only('x. MX 65535 Mail.Example.'), { name: 'x', ttl: 3600, type: 'MX', data: { priority: 65535, exchange: 'mail.example' } });
    rejects('x. MX 65536 mail.example.', 1, /MX priority '65536' is not a number in 0-65535/);
    rejects('x. MX ten mail.example.', 1, /MX priority 'ten'/);
    rejects('x. MX 10', 1, /MX needs 2 rdata fields \(priority exchange\), found 1/);
  });

  it('parses CNAME, PTR and NS', () => {
    const zone = parseZoneFile('$ORIGIN 2.0.192.in-addr.arpa.\n1 PTR host.example.\n@ NS ns1.example.\nalias.example. CNAME Target.Example.\n');
    assert.deepEqual(zone.records, [
      { name: '1.2.0.192.in-addr.arpa', ttl: 3600, type: 'PTR', target: 'host.example' },
      { name: '2.0.192.in-addr.arpa', ttl: 3600, type: 'NS', target: 'ns1.example' },
      { name: 'alias.example', ttl: 3600, type: 'CNAME', target: 'target.example' },
    ]);
    rejects('x. CNAME a. b.', 1, /CNAME needs 1 rdata field/);
  });

  it('validates SOA fields', () => {
    rejects('x. SOA ns. h. 1 2 3 4', 1, /SOA needs 7 rdata fields .* found 6/);
    rejects('x. SOA ns. h. 4294967296 2 3 4 5', 1, /SOA serial '4294967296' is not a number/);
    rejects('x. SOA ns. h. 1h 2 3 4 5', 1, /SOA serial '1h'/);
    rejects('x. SOA ns. h. 1 2 3 4 5q', 1, /invalid SOA minimum '5q'/);
  });

  it('parses TLSA with hex data split over tokens', () => {
    const record = only('_25._tcp.mx.example. TLSA 3 1 1 (\n  ABCDEF0123\n  456789 )');
    assert.deepEqual(record, {
      name: '_25._tcp.mx.example', ttl: 3600, type: 'TLSA',
      data: { usage: 3, selector: 1, matchingType: 1, data: 'abcdef0123456789' },
    });
    rejects('x. TLSA 3 1 1 abc', 1, /odd number of hex digits/);
    rejects('x. TLSA 3 1 1 xyz0', 1, /not hexadecimal/);
    rejects('x. TLSA 3 1 1', 1, /TLSA needs usage selector matching-type and hex data/);
    rejects('x. TLSA 256 1 1 00', 1, /TLSA usage '256'/);
  });

  it('parses CAA', () => {
    assert.deepEqual(only('x. CAA 0 issue "letsencrypt.org; validationmethods=dns-01"'), {
      name: 'x', ttl: 3600, type: 'CAA', data: { flags: 0, tag: 'issue', value: 'letsencrypt.org; validationmethods=dns-01' },
    });
    assert.deepEqual(only('x. CAA 128 iodef mailto:sec@example.com'), {
      name: 'x', ttl: 3600, type: 'CAA', data: { flags: 128, tag: 'iodef', value: 'mailto:sec@example.com' },
    });
    rejects('x. CAA 0 is-sue "x"', 1, /CAA tag 'is-sue'/);
    rejects('x. CAA 0 issue', 1, /CAA needs 3 rdata fields/);
  });

  it('parses SRV', () => {
    assert.deepEqual(only('$ORIGIN example.com.\n_submission._tcp SRV 0 1 587 mail'), {
      name: '_submission._tcp.example.com', ttl: 3600, type: 'SRV', data: { priority: 0, weight: 1, port: 587, target: 'mail.example.com' },
    });
    assert.deepEqual(only('_imap._tcp.x. SRV 0 0 0 .'), {
      name: '_imap._tcp.x', ttl: 3600, type: 'SRV', data: { priority: 0, weight: 0, port: 0, target: '' },
    });
    rejects('x. SRV 0 0 70000 t.', 1, /SRV port '70000'/);
  });

  it('rejects unsupported types, naming the type and line', () => {
    rejects('x. A 192.0.2.1\nx. 300 IN DS 12345 13 2 abcd\n', 2, /unsupported record type DS/);
    rejects('x. RRSIG A 13 2 300 1 2 3 x. sig', 1, /unsupported record type RRSIG/);
    rejects('x. https 1 . alpn=h2', 1, /unsupported record type HTTPS/);
  });

  it('rejects quoted strings where names or numbers belong', () => {
    rejects('x. MX "10" mail.', 1, /MX priority must not be a quoted string/);
    rejects('"x." A 192.0.2.1', 1, /owner name must not be a quoted string/);
  });
});

describe('directives', () => {
  it('returns unknown $WORD directives with raw args and line, without interpreting them', () => {
    const zone = parseZoneFile('$ORIGIN example.com.\n; c\n$FIXTURE timeout.example timeout ; comment\n$fixture "slow host" \\"x\\"\nwww A 192.0.2.1\n');
    assert.deepEqual(zone.directives, [
      { name: '$FIXTURE', args: ['timeout.example', 'timeout'], line: 3 },
      { name: '$FIXTURE', args: ['slow host', '\\"x\\"'], line: 4 },
    ]);
    assert.equal(zone.records.length, 1);
    assert.equal(absoluteName(zone.directives[0].args[0], zone.origin), 'timeout.example.example.com');
  });

  it('does not report $ORIGIN and $TTL as directives', () => {
    assert.deepEqual(parseZoneFile('$ORIGIN a.\n$TTL 5\n').directives, []);
  });

  it('rejects $INCLUDE without reading any file', () => {
    rejects('$ORIGIN example.com.\n$INCLUDE /etc/passwd\n', 2, /\$INCLUDE is not supported/);
  });

  it('rejects malformed $ORIGIN and $TTL lines', () => {
    rejects('$ORIGIN\n', 1, /\$ORIGIN needs exactly one name/);
    rejects('$TTL 1 2\n', 1, /\$TTL needs exactly one TTL/);
    rejects('$ORIGIN a..b.\n', 1, /empty label/);
  });
});

describe('errors', () => {
  it('carry the file name and line number', () => {
    const error = rejects('$ORIGIN example.com.\n\nwww A 192.0.2.1\nbad A 300.0.0.1\n', 4, /300\.0\.0\.1/, { fileName: 'fixtures/zones/x.zone' });
    assert.equal(error.fileName, 'fixtures/zones/x.zone');
    assert.equal(error.name, 'ZoneFileError');
    assert.match(error.message, /^fixtures\/zones\/x\.zone:4: /);
  });

  it('use "zone" when no file name is given', () => {
    const error = rejects('x. BOGUS 1', 1, /unsupported record type BOGUS/);
    assert.equal(error.fileName, undefined);
  });

  it('point at the rdata line inside a multi-line record', () => {
    rejects('x. SOA ns. h. (\n 1\n 2\n bad\n 4 5 )', 4, /invalid SOA retry 'bad'/);
  });

  it('reject invalid options with RangeError', () => {
    assert.throws(() => parseZoneFile('', { defaultTtl: -1 }), RangeError);
    assert.throws(() => parseZoneFile('', { origin: 'a..b' }), RangeError);
  });
});
