// The in-memory resolver (test/support/zonedata-resolver.ts) must follow the openspf driver's
// zonedata conventions exactly, or the conformance figures mean nothing.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DnsError } from '../../src/net/dns/types.ts';
import type { RRType } from '../../src/net/dns/types.ts';
import { zonedataResolver } from '../support/zonedata-resolver.ts';

const zone = {
  'Example.NET.': [{ TXT: 'v=spf1 -all' }, { A: '192.0.2.1' }, { AAAA: '2001:DB8::1' }, { MX: [10, 'mx.example.net.'] }],
  'copied.example.net': [{ SPF: 'v=spf1 mx' }, { SPF: ['v=spf1 ', 'a'] }],
  'both.example.net': [{ SPF: 'v=spf1 +all' }, { TXT: 'v=spf1 -all' }],
  'none.example.net': [{ SPF: 'v=spf1 -all' }, { TXT: 'NONE' }],
  'partial.example.net': [{ TXT: 'v=spf1 -all' }, 'TIMEOUT'],
  'dead.example.net': ['TIMEOUT'],
  'empty.example.net': [{ SPF: [] }],
  'alias.example.net': [{ CNAME: 'example.net.' }],
  'loop1.example.net': [{ CNAME: 'loop2.example.net' }],
  'loop2.example.net': [{ CNAME: 'LOOP1.example.net.' }],
  '4.3.2.1.in-addr.arpa': [{ PTR: 'Mail.Example.net.' }],
};

const resolver = zonedataResolver(zone);

async function outcome(name: string, type: RRType): Promise<[string, string | null]> {
  const answer = await resolver.query(name, type);
  return [answer.outcome, answer.error];
}

describe('zonedataResolver', () => {
  it('answers listed records, case-insensitively and with or without trailing dots', async () => {
    const a = await resolver.query('EXAMPLE.net.', 'A');
    assert.equal(a.outcome, 'ok');
    assert.equal(a.name, 'example.net');
    assert.deepEqual(a.records, [{ type: 'A', name: 'example.net', ttl: 300, address: '192.0.2.1' }]);
    assert.deepEqual((await resolver.query('example.net', 'MX')).records, [{ type: 'MX', name: 'example.net', ttl: 300, data: { priority: 10, exchange: 'mx.example.net' } }]);
    assert.deepEqual((await resolver.query('4.3.2.1.IN-ADDR.ARPA', 'PTR')).records.map((r) => (r as { target: string }).target), ['mail.example.net']);
  });

  it('gives NXDOMAIN for unlisted names, NODATA for a missing type, and times out names starting with error.', async () => {
    assert.deepEqual(await outcome('unlisted.example.net', 'TXT'), ['nxdomain', 'ENOTFOUND']);
    assert.equal((await resolver.query('unlisted.example.net', 'TXT')).rcode, 'NXDOMAIN');
    assert.deepEqual(await outcome('example.net', 'PTR'), ['nodata', 'ENODATA']);
    assert.deepEqual(await outcome('error.example.net', 'TXT'), ['error', 'ETIMEOUT']);
  });

  it('copies SPF records to TXT unless the owner lists TXT, and TXT: NONE stops the copy', async () => {
    const copied = await resolver.query('copied.example.net', 'TXT');
    assert.deepEqual(copied.records.map((r) => (r as { strings: string[] }).strings), [['v=spf1 mx'], ['v=spf1 ', 'a']]);
    assert.deepEqual((await resolver.query('both.example.net', 'TXT')).records.map((r) => (r as { strings: string[] }).strings), [['v=spf1 -all']]);
    assert.equal((await resolver.query('both.example.net', 'SPF')).records.length, 1);
    assert.deepEqual(await outcome('none.example.net', 'TXT'), ['nodata', 'ENODATA']);
    assert.deepEqual((await resolver.query('empty.example.net', 'TXT')).records.map((r) => (r as { strings: string[] }).strings), [[]]);
  });

  it('times out only the types without records when TIMEOUT is listed', async () => {
    assert.deepEqual(await outcome('partial.example.net', 'TXT'), ['ok', null]);
    assert.deepEqual(await outcome('partial.example.net', 'A'), ['error', 'ETIMEOUT']);
    assert.deepEqual(await outcome('dead.example.net', 'TXT'), ['error', 'ETIMEOUT']);
    assert.equal((await resolver.query('dead.example.net', 'TXT')).rcode, null);
  });

  it('follows CNAMEs and ends a CNAME loop as a DNS error', async () => {
    const viaAlias = await resolver.query('alias.example.net', 'TXT');
    assert.equal(viaAlias.outcome, 'ok');
    assert.deepEqual(viaAlias.cnames, ['example.net']);
    assert.deepEqual((await resolver.query('alias.example.net', 'CNAME')).records.map((r) => (r as { target: string }).target), ['example.net']);
    const loop = await resolver.query('loop1.example.net', 'A');
    assert.deepEqual([loop.outcome, loop.error, loop.errorDetail], ['error', 'ESERVFAIL', 'CNAME loop']);
  });

  it('rejects names that cannot go on the wire with EBADNAME', async () => {
    assert.deepEqual(await outcome('a..example.net', 'A'), ['error', 'EBADNAME']);
    assert.deepEqual(await outcome(`${'a'.repeat(64)}.example.net`, 'A'), ['error', 'EBADNAME']);
    assert.deepEqual(await outcome(`${'a'.repeat(63)}.example.net`, 'A'), ['nxdomain', 'ENOTFOUND']);
    assert.deepEqual(await outcome(`${'abcdefghi.'.repeat(26)}net`, 'A'), ['error', 'EBADNAME']);
    assert.deepEqual(await outcome('', 'A'), ['error', 'EBADNAME']);
  });

  it('resolve() gives node:dns shapes and rejects with DnsError codes', async () => {
    assert.deepEqual(await resolver.resolve('example.net', 'A'), ['192.0.2.1']);
    assert.deepEqual(await resolver.resolve('example.net', 'AAAA'), ['2001:db8::1']);
    assert.deepEqual(await resolver.resolve('example.net', 'MX'), [{ exchange: 'mx.example.net', priority: 10 }]);
    assert.deepEqual(await resolver.resolve('copied.example.net', 'TXT'), [['v=spf1 mx'], ['v=spf1 ', 'a']]);
    const rejects = async (name: string, type: RRType, code: string): Promise<void> => {
      await assert.rejects(resolver.resolve(name, type), (err: unknown) => err instanceof DnsError && err.code === code && err.rrtype === type);
    };
    await rejects('unlisted.example.net', 'A', 'ENOTFOUND');
    await rejects('example.net', 'PTR', 'ENODATA');
    await rejects('error.example.net', 'TXT', 'ETIMEOUT');
    await rejects('dead.example.net', 'MX', 'ETIMEOUT');
    await rejects('a..b', 'A', 'EBADNAME');
  });

  it('reports every question to onQuery', async () => {
    const asked: string[] = [];
    const counting = zonedataResolver(zone, { onQuery: (name, type) => asked.push(`${type} ${name}`) });
    await counting.query('example.net', 'TXT');
    await counting.resolve('unlisted.example.net', 'A').catch(() => undefined);
    assert.deepEqual(asked, ['TXT example.net', 'A unlisted.example.net']);
  });

  it('refuses zone data it does not understand', () => {
    assert.throws(() => zonedataResolver({ 'x.example': [{ TXTT: 'v=spf1' }] }), /unknown record type TXTT/);
    assert.throws(() => zonedataResolver({ 'x.example': ['TIMEOUTT'] }), /unknown entry/);
  });
});
