import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  DnsblDataError, GENERIC_ERROR_CODES, dnsblQueryName, interpretAnswer, isDefaultEnabled, loadDefaultBlocklists,
  loadShippedBlocklists, parseDnsblOption, reverseIpv4, reverseIpv6Nibbles, validateBlocklists,
} from '../../src/dnsbl/dnsbl-list.ts';
import type { DnsblList } from '../../src/dnsbl/dnsbl-list.ts';

const shipped = loadShippedBlocklists();
const defaults = loadDefaultBlocklists();

function byZone(zone: string): DnsblList {
  const list = shipped.find((l) => l.zone === zone);
  assert.ok(list, `${zone} is in data/dnsbl.json`);
  return list;
}

/** The raw JSON of one shipped entry, to mutate into a broken one. */
function rawEntry(zone: string): Record<string, unknown> {
  const data = JSON.parse(readFileSync(new URL('../../data/dnsbl.json', import.meta.url), 'utf8')) as { lists: Record<string, unknown>[] };
  const entry = data.lists.find((l) => l.zone === zone);
  assert.ok(entry);
  return structuredClone(entry);
}

function issuesOf(lists: unknown[], version: unknown = 1): { path: string; message: string }[] {
  try {
    validateBlocklists({ version, lists });
  } catch (err) {
    assert.ok(err instanceof DnsblDataError, `expected a DnsblDataError, got ${String(err)}`);
    return err.issues;
  }
  assert.fail('validation accepted broken data');
}

describe('the shipped data file', () => {
  test('validates and reads back the same lists as the raw JSON', () => {
    const raw = JSON.parse(readFileSync(new URL('../../data/dnsbl.json', import.meta.url), 'utf8'));
    assert.deepEqual(validateBlocklists(raw), shipped);
    assert.equal(new Set(shipped.map((l) => l.zone)).size, shipped.length);
  });

  test('has at least 25 IP lists and 5 domain lists queried by default', () => {
    const ip = defaults.filter((l) => l.kind === 'ip');
    const domain = defaults.filter((l) => l.kind === 'domain');
    assert.ok(ip.length >= 25, `${ip.length} default IP lists`);
    assert.ok(domain.length >= 5, `${domain.length} default domain lists`);
  });

  test('keeps shut-down and key-only lists out of the default set', () => {
    const sorbs = byZone('dnsbl.sorbs.net');
    assert.equal(sorbs.deprecated, true);
    assert.equal(byZone('db.wpbl.info').deprecated, true);
    assert.equal(byZone('ix.dnsbl.manitu.net').deprecated, true);
    assert.equal(byZone('combined.mail.abusix.zone').requiresKey, true);
    for (const l of defaults) {
      assert.equal(l.deprecated, undefined, `${l.zone} is deprecated but queried by default`);
      assert.equal(l.requiresKey, undefined, `${l.zone} needs a key but is queried by default`);
    }
    assert.equal(isDefaultEnabled(sorbs), false);
    assert.equal(defaults.length, shipped.filter(isDefaultEnabled).length);
  });

  test('every documented error code of every list reads as refused, every listing code as listed', () => {
    for (const list of shipped) {
      for (const code of Object.keys(list.errorCodes)) {
        assert.equal(interpretAnswer(list, [code]).verdict, 'refused', `${list.zone} ${code}`);
      }
      for (const code of Object.keys(list.codes)) {
        assert.equal(interpretAnswer(list, [code]).verdict, 'listed', `${list.zone} ${code}`);
      }
    }
  });

  test('every Spamhaus zone carries the three public-mirror refusal codes', () => {
    for (const list of shipped.filter((l) => l.zone.endsWith('.spamhaus.org'))) {
      for (const code of ['127.255.255.252', '127.255.255.254', '127.255.255.255']) {
        assert.ok(Object.hasOwn(list.errorCodes, code), `${list.zone} lacks ${code}`);
      }
      assert.equal(list.refusesPublicResolvers, true);
    }
  });
});

describe('interpretAnswer', () => {
  const zen = byZone('zen.spamhaus.org');
  const dbl = byZone('dbl.spamhaus.org');
  const uribl = byZone('multi.uribl.com');
  const surbl = byZone('multi.surbl.org');

  test('Spamhaus refusal codes are refused, never listed', () => {
    for (const code of ['127.255.255.252', '127.255.255.254', '127.255.255.255']) {
      const r = interpretAnswer(zen, [code]);
      assert.equal(r.verdict, 'refused', code);
      assert.deepEqual(r.codes, [code]);
      assert.match(r.detail ?? '', /not "listed"/);
    }
    assert.match(interpretAnswer(zen, ['127.255.255.254']).meanings[0], /public\/open resolver/);
  });

  test('a DBL query for an IP (127.0.1.255) and a DBL public-resolver refusal are refused', () => {
    assert.equal(interpretAnswer(dbl, ['127.0.1.255']).verdict, 'refused');
    assert.equal(interpretAnswer(dbl, ['127.255.255.254']).verdict, 'refused');
    assert.deepEqual(interpretAnswer(dbl, ['127.0.1.2']).meanings, ['DBL: low-reputation (spam) domain']);
  });

  test('URIBL and SURBL answer 127.0.0.1 for a refused query', () => {
    const r = interpretAnswer(uribl, ['127.0.0.1']);
    assert.equal(r.verdict, 'refused');
    assert.match(r.meanings[0], /refused/);
    assert.equal(interpretAnswer(surbl, ['127.0.0.1']).verdict, 'refused');
  });

  test('an answer outside 127.0.0.0/8 is invalid (a rewriting resolver), even beside a real code', () => {
    const r = interpretAnswer(zen, ['198.51.100.7']);
    assert.equal(r.verdict, 'invalid');
    assert.deepEqual(r.codes, ['198.51.100.7']);
    assert.match(r.detail ?? '', /outside 127\.0\.0\.0\/8/);
    assert.equal(interpretAnswer(zen, ['127.0.0.2', '198.51.100.7']).verdict, 'invalid');
    assert.equal(interpretAnswer(byZone('bl.spamcop.net'), ['198.51.100.7']).verdict, 'invalid');
  });

  test('no answer is not-listed', () => {
    assert.deepEqual(interpretAnswer(zen, []), { verdict: 'not-listed', meanings: [], codes: [] });
  });

  test('several ZEN codes give every meaning', () => {
    const r = interpretAnswer(zen, ['127.0.0.2', '127.0.0.4', '127.0.0.10']);
    assert.equal(r.verdict, 'listed');
    assert.equal(r.meanings.length, 3);
    assert.match(r.meanings[0], /^SBL/);
    assert.match(r.meanings[1], /^XBL/);
    assert.match(r.meanings[2], /^PBL/);
  });

  test('bitmask answers decode into each sublist', () => {
    const test14 = interpretAnswer(uribl, ['127.0.0.14']);
    assert.equal(test14.verdict, 'listed');
    assert.deepEqual(test14.meanings.map((m) => m.split(':')[0]), ['URIBL black', 'URIBL grey', 'URIBL red']);
    assert.deepEqual(interpretAnswer(uribl, ['127.0.0.2']).meanings.map((m) => m.split(':')[0]), ['URIBL black']);
    const mwAbuse = interpretAnswer(surbl, ['127.0.0.80']);
    assert.equal(mwAbuse.verdict, 'listed');
    assert.deepEqual(mwAbuse.meanings.map((m) => m.split(':')[0]), ['SURBL MW', 'SURBL ABUSE']);
  });

  test('a bitmask answer with no defined bit is invalid; defined bits with extra bits are listed with a detail', () => {
    const retired = interpretAnswer(surbl, ['127.0.0.2']);
    assert.equal(retired.verdict, 'invalid');
    const extra = interpretAnswer(uribl, ['127.0.0.18']);
    assert.equal(extra.verdict, 'listed');
    assert.deepEqual(extra.meanings.map((m) => m.split(':')[0]), ['URIBL black']);
    assert.match(extra.detail ?? '', /undefined bits 16/);
  });

  test('an undefined 127.x code is invalid unless the list counts any answer', () => {
    const r = interpretAnswer(zen, ['127.0.0.99']);
    assert.equal(r.verdict, 'invalid');
    assert.match(r.detail ?? '', /127\.0\.0\.99 is not a code Spamhaus ZEN defines/);
    assert.equal(interpretAnswer(zen, ['127.255.255.250']).verdict, 'invalid');
    const drone = byZone('dnsbl.dronebl.org');
    assert.equal(drone.anyCodeIsListing, true);
    assert.equal(interpretAnswer(drone, ['127.0.0.99']).verdict, 'listed');
    assert.deepEqual(interpretAnswer(drone, ['127.0.0.12']).meanings, ['DroneBL class 12: open DNS resolver']);
  });

  test('a defined code beside an undefined one is listed, naming the undefined one', () => {
    const r = interpretAnswer(zen, ['127.0.0.2', '127.0.0.99']);
    assert.equal(r.verdict, 'listed');
    assert.deepEqual(r.codes, ['127.0.0.2']);
    assert.match(r.detail ?? '', /127\.0\.0\.99/);
  });

  test('a refusal beside a listing code is refused: the answer cannot be trusted', () => {
    assert.equal(interpretAnswer(zen, ['127.0.0.2', '127.255.255.254']).verdict, 'refused');
  });
});

describe('validateBlocklists', () => {
  const good = () => rawEntry('zen.spamhaus.org');

  test('accepts a well-formed entry', () => {
    assert.equal(validateBlocklists({ version: 1, lists: [good()] }).length, 1);
  });

  test('rejects a non-object, a wrong version and a missing lists array', () => {
    assert.throws(() => validateBlocklists(null), (e: unknown) => e instanceof DnsblDataError && e.issues[0].path === '$');
    assert.deepEqual(issuesOf([good()], 2).map((i) => i.path), ['version']);
    assert.throws(() => validateBlocklists({ version: 1 }), /lists: expected an array/);
  });

  test('names the path of a bad zone, kind, weight and URL', () => {
    const e = { ...good(), zone: 'Zen..spamhaus.org', kind: 'url', weight: 11, removal: 'http://check.spamhaus.org/' };
    const paths = issuesOf([e]).map((i) => i.path);
    for (const p of ['lists[0].zone', 'lists[0].kind', 'lists[0].weight', 'lists[0].removal']) assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
    assert.throws(() => validateBlocklists({ version: 1, lists: [{ ...good(), weight: 0 }] }), /lists\[0\]\.weight: expected an integer from 1 to 10/);
    assert.throws(() => validateBlocklists({ version: 1, lists: [{ ...good(), zone: 'localhost' }] }), /lists\[0\]\.zone/);
  });

  test('rejects codes outside 127.0.0.0/8 and ranges', () => {
    const e = good();
    (e.codes as Record<string, string>)['10.0.0.2'] = 'x';
    (e.codes as Record<string, string>)['127.0.0.10-11'] = 'x';
    const issues = issuesOf([e]);
    assert.ok(issues.some((i) => i.path === 'lists[0].codes["10.0.0.2"]'));
    assert.ok(issues.some((i) => i.path === 'lists[0].codes["127.0.0.10-11"]'));
  });

  test('rejects an error code that is also a listing code', () => {
    const e = good();
    (e.errorCodes as Record<string, string>)['127.0.0.2'] = 'refused';
    const issues = issuesOf([e]);
    assert.equal(issues.length, 1);
    assert.equal(issues[0].path, 'lists[0].errorCodes["127.0.0.2"]');
    assert.match(issues[0].message, /also a listing code/);
  });

  test('rejects an error code whose last octet would decode as a bitmask listing', () => {
    const e = rawEntry('multi.uribl.com');
    (e.errorCodes as Record<string, string>)['127.0.0.3'] = 'refused';
    assert.equal(issuesOf([e])[0].path, 'lists[0].errorCodes["127.0.0.3"]');
    const bad = rawEntry('multi.uribl.com');
    (bad.bitmask as Record<string, string>)['3'] = 'two bits';
    assert.equal(issuesOf([bad])[0].path, 'lists[0].bitmask["3"]');
  });

  test('requires test points of the right form', () => {
    const { testListed: _drop, ...noTest } = good();
    assert.equal(issuesOf([noTest])[0].path, 'lists[0].testListed');
    assert.equal(issuesOf([{ ...good(), testNotListed: 'example.com' }])[0].path, 'lists[0].testNotListed');
    assert.equal(issuesOf([{ ...rawEntry('dbl.spamhaus.org'), testListed: '127.0.0.2' }])[0].path, 'lists[0].testListed');
  });

  test('requires a query form on domain lists only', () => {
    const { queryForm: _drop, ...dbl } = rawEntry('dbl.spamhaus.org');
    assert.equal(issuesOf([dbl])[0].path, 'lists[0].queryForm');
    assert.equal(issuesOf([{ ...good(), queryForm: 'domain' }])[0].path, 'lists[0].queryForm');
  });

  test('rejects unknown fields, duplicate zones and entries that could never list anything', () => {
    assert.equal(issuesOf([{ ...good(), errorcodes: {} }])[0].path, 'lists[0].errorcodes');
    assert.deepEqual(issuesOf([good(), good()]).map((i) => i.path), ['lists[1].zone']);
    const never = { ...good(), codes: {}, anyCodeIsListing: false };
    assert.match(issuesOf([never])[0].message, /no answer could ever mean "listed"/);
    assert.equal(issuesOf([{ ...good(), unconfirmed: ['weight'] }])[0].path, 'lists[0].unconfirmed[0]');
  });

  test('reports every problem at once', () => {
    const err = (() => {
      try { validateBlocklists({ version: 1, lists: [{ ...good(), weight: 99 }, { ...good(), zone: 'x', kind: 'ip' }] }); } catch (e) { return e; }
      return null;
    })();
    assert.ok(err instanceof DnsblDataError);
    assert.deepEqual(err.issues.map((i) => i.path), ['lists[0].weight', 'lists[1].zone']);
    assert.match(err.message, /2 problems/);
  });
});

describe('query names', () => {
  test('reverseIpv4 reverses the octets', () => {
    assert.equal(reverseIpv4('192.0.2.99'), '99.2.0.192');
    assert.equal(reverseIpv4('127.0.0.2'), '2.0.0.127');
    for (const bad of ['256.1.1.1', '01.2.3.4', '1.2.3', 'a.b.c.d', '2001:db8::1']) assert.throws(() => reverseIpv4(bad), /not an IPv4 address/);
  });

  test('reverseIpv6Nibbles writes all 32 nibbles in reverse', () => {
    const name = reverseIpv6Nibbles('2001:db8::1');
    assert.equal(name, '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2');
    assert.equal(name.split('.').length, 32);
    assert.equal(reverseIpv6Nibbles('2001:DB8:7CA6:22::45'), '5.4.0.0.0.0.0.0.0.0.0.0.0.0.0.0.2.2.0.0.6.a.c.7.8.b.d.0.1.0.0.2');
    // NordSpam's documented form of the RFC 5782 IPv6 test point ::FFFF:7F00:2
    assert.equal(reverseIpv6Nibbles('::ffff:127.0.0.2'), '2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0');
    assert.equal(reverseIpv6Nibbles('::FFFF:7F00:2'), reverseIpv6Nibbles('::ffff:127.0.0.2'));
    assert.equal(reverseIpv6Nibbles('1:2:3:4:5:6:7:8'), '8.0.0.0.7.0.0.0.6.0.0.0.5.0.0.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0');
    for (const bad of ['fe80::1%eth0', '192.0.2.1', 'gg::1', '1::2::3']) assert.throws(() => reverseIpv6Nibbles(bad), /not an IPv6 address/);
  });

  test('dnsblQueryName builds the name for each kind of list', () => {
    assert.equal(dnsblQueryName(byZone('zen.spamhaus.org'), '192.0.2.99'), '99.2.0.192.zen.spamhaus.org');
    assert.equal(dnsblQueryName(byZone('zen.spamhaus.org'), '2001:db8::1'), `${reverseIpv6Nibbles('2001:db8::1')}.zen.spamhaus.org`);
    assert.throws(() => dnsblQueryName(byZone('bl.spamcop.net'), '2001:db8::1'), /does not accept IPv6/);
    assert.equal(dnsblQueryName(byZone('dbl.spamhaus.org'), 'Mail.Example.COM.'), 'mail.example.com.dbl.spamhaus.org');
    assert.throws(() => dnsblQueryName(byZone('dbl.spamhaus.org'), '192.0.2.1'), /lists domains/);
    const abusix = byZone('combined.mail.abusix.zone');
    assert.equal(dnsblQueryName(abusix, '192.0.2.99', 'k3y'), '99.2.0.192.k3y.combined.mail.abusix.zone');
    assert.throws(() => dnsblQueryName(abusix, '192.0.2.99'), /needs a subscriber key/);
  });
});

describe('parseDnsblOption', () => {
  test('a bare zone is a generic IP list', () => {
    const l = parseDnsblOption('bl.example.net');
    assert.equal(l.zone, 'bl.example.net');
    assert.equal(l.kind, 'ip');
    assert.equal(l.anyCodeIsListing, true);
    assert.deepEqual(l.errorCodes, { ...GENERIC_ERROR_CODES });
    assert.equal(l.testListed, '127.0.0.2');
    assert.equal(l.testNotListed, '127.0.0.1');
    assert.equal(l.queryForm, undefined);
    assert.equal(interpretAnswer(l, ['127.0.0.5']).verdict, 'listed');
    assert.equal(interpretAnswer(l, ['127.255.255.254']).verdict, 'refused');
    assert.equal(interpretAnswer(l, ['203.0.113.9']).verdict, 'invalid');
  });

  test('a :domain suffix makes a domain list; case and a trailing dot are normalised', () => {
    const l = parseDnsblOption('RHSBL.Example.ORG.:domain');
    assert.equal(l.zone, 'rhsbl.example.org');
    assert.equal(l.kind, 'domain');
    assert.equal(l.queryForm, 'organizational-domain');
    assert.equal(l.testListed, 'test');
    assert.equal(l.testNotListed, 'invalid');
    assert.equal(parseDnsblOption('bl.example.net:IP').kind, 'ip');
  });

  test('rejects a missing zone, an invalid zone and an unknown kind', () => {
    assert.throws(() => parseDnsblOption(':ip'), /missing zone/);
    assert.throws(() => parseDnsblOption('localhost'), /not a valid DNS zone/);
    assert.throws(() => parseDnsblOption('bad_zone.example.org'), /not a valid DNS zone/);
    assert.throws(() => parseDnsblOption('bl.example.net:url'), /unknown list kind "url"/);
  });

  test('returns the curated entry when the zone is known, as an independent copy', () => {
    const l = parseDnsblOption('zen.spamhaus.org', shipped);
    assert.equal(l.name, 'Spamhaus ZEN');
    assert.equal(l.anyCodeIsListing, false);
    assert.equal(interpretAnswer(l, ['127.0.0.99']).verdict, 'invalid');
    l.codes['127.0.0.99'] = 'changed';
    assert.equal(Object.hasOwn(byZone('zen.spamhaus.org').codes, '127.0.0.99'), false);
    assert.equal(parseDnsblOption('zen.spamhaus.org:domain', shipped).anyCodeIsListing, true, 'a different kind is not the curated list');
  });
});
