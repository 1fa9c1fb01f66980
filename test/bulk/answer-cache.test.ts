// The run's DNS answer cache: bounded by entries and by bytes, least recently used first,
// kept for the answer's TTL within the floor and cap, failures never kept; and the resolver
// built on it still joins identical questions in flight.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnswerCache } from '../../src/net/dns/answer-cache.ts';
import { StubResolver } from '../../src/net/dns/resolver.ts';
import type { DnsTransport } from '../../src/net/dns/transport.ts';
import type { DnsAnswer, DnsRecord } from '../../src/net/dns/types.ts';

function answer(name: string, ttl = 300, outcome: DnsAnswer['outcome'] = 'ok', text = 'v=spf1 -all'): DnsAnswer {
  const records: DnsRecord[] = outcome === 'ok' ? [{ type: 'TXT', name, ttl, strings: [text] }] : [];
  return {
    name, type: 'TXT', outcome, rcode: outcome === 'error' ? 'SERVFAIL' : outcome === 'nxdomain' ? 'NXDOMAIN' : 'NOERROR',
    error: outcome === 'ok' ? null : 'ESERVFAIL', records, cnames: [], authenticated: false, server: '127.0.0.1:53', ms: 1, fromCache: false,
  };
}

function clock(): { now: () => number; advance(seconds: number): void } {
  let t = 1000;
  return { now: () => t, advance: (s) => { t += s * 1000; } };
}

test('past maxEntries the least recently used answers go first; a recent hit keeps its answer', () => {
  const cache = new AnswerCache({ maxEntries: 100 });
  for (let i = 0; i < 100; i++) cache.set(`TXT n${i}`, answer(`n${i}`));
  // n0 is the oldest; a hit makes it recent again (the approximate LRU moves entries older than a quarter of the capacity)
  assert.ok(cache.get('TXT n0'));
  for (let i = 100; i < 150; i++) cache.set(`TXT n${i}`, answer(`n${i}`));
  // eviction runs in batches down to an eighth below the bound: never above it
  assert.ok(cache.size <= 100 && cache.size >= 88, `size ${cache.size}`);
  assert.ok(cache.get('TXT n0'), 'the answer hit again survived');
  assert.equal(cache.get('TXT n1'), undefined, 'the least recently used went');
  assert.equal(cache.get('TXT n50'), undefined);
  assert.ok(cache.get('TXT n149'));
  for (let i = 100; i < 150; i++) assert.ok(cache.get(`TXT n${i}`), `the newest stay (n${i})`);
  assert.equal(cache.evictions, 150 - cache.size);
});

test('past maxBytes answers go too: a few huge TXT answers cannot hold the memory of thousands', () => {
  const cache = new AnswerCache({ maxEntries: 10_000, maxBytes: 200_000 });
  const big = 'x'.repeat(30_000);
  for (let i = 0; i < 10; i++) cache.set(`TXT big${i}`, answer(`big${i}`, 300, 'ok', big));
  assert.ok(cache.bytes <= 200_000, `held ${cache.bytes} bytes`);
  assert.ok(cache.size < 10 && cache.size >= 2, `kept ${cache.size}`);
  assert.ok(cache.get('TXT big9'), 'the newest stays');
  cache.set('TXT huge', answer('huge', 300, 'ok', 'y'.repeat(300_000)));
  assert.equal(cache.get('TXT huge'), undefined, 'one answer over the whole budget is not kept');
});

test('kept for the TTL, clamped to [minTtl, maxTtl]; negative answers for negativeTtl; failures never', () => {
  const c = clock();
  const cache = new AnswerCache({ minTtl: 10, maxTtl: 3600, negativeTtl: 60, now: c.now });
  cache.set('TXT short', answer('short', 0));
  cache.set('TXT normal', answer('normal', 120));
  cache.set('TXT long', answer('long', 86_400));
  cache.set('TXT none', answer('none', 0, 'nxdomain'));
  cache.set('TXT failed', answer('failed', 0, 'error'));
  assert.equal(cache.get('TXT failed'), undefined, 'SERVFAIL and timeouts are asked again');
  c.advance(9);
  assert.ok(cache.get('TXT short'), 'TTL 0 is kept for the floor: one audit sees one answer');
  c.advance(2);
  assert.equal(cache.get('TXT short'), undefined);
  assert.ok(cache.get('TXT none'));
  c.advance(50);
  assert.equal(cache.get('TXT none'), undefined, 'NXDOMAIN expires after negativeTtl');
  assert.ok(cache.get('TXT normal'));
  c.advance(60);
  assert.equal(cache.get('TXT normal'), undefined, 'expires with its TTL');
  assert.ok(cache.get('TXT long'));
  c.advance(3600);
  assert.equal(cache.get('TXT long'), undefined, 'a day-long TTL is capped at an hour');
});

/** A transport that answers every TXT question with one record after `delayMs`, counting exchanges. */
function countingTransport(delayMs = 5): DnsTransport & { exchanges: number } {
  const transport = {
    exchanges: 0,
    async exchange(_server: unknown, name: string) {
      transport.exchanges++;
      await new Promise((r) => setTimeout(r, delayMs));
      return {
        protocol: 'udp' as const,
        response: {
          id: 1, rcode: 'NOERROR', truncated: false, authenticated: false, question: { name, type: 16 },
          answers: [{ type: 'TXT', name, ttl: 300, strings: ['v=spf1 -all'] }],
        },
      };
    },
  };
  return transport as never;
}

test('the resolver joins identical questions in flight and answers repeats from the bounded cache', async () => {
  const transport = countingTransport();
  const resolver = new StubResolver({ servers: [{ host: '127.0.0.1', port: 53 }], transport, cache: { maxEntries: 50 } });
  const first = await Promise.all([resolver.query('a.example', 'TXT'), resolver.query('A.example.', 'TXT'), resolver.query('a.example', 'TXT')]);
  assert.equal(transport.exchanges, 1, 'three concurrent identical questions, one exchange');
  assert.deepEqual(first.map((a) => a.fromCache), [false, true, true]);
  assert.equal((await resolver.query('a.example', 'TXT')).fromCache, true);
  assert.equal(transport.exchanges, 1);
  for (let i = 0; i < 200; i++) await resolver.query(`n${i}.example`, 'TXT');
  assert.ok(resolver.cache.size <= 50, `the cache holds ${resolver.cache.size} answers after 201 names`);
  await resolver.query('a.example', 'TXT');
  assert.equal(transport.exchanges, 202, 'an evicted answer is asked again');
});

