// What a broken or hostile DNS server sends must never read as "no records" (NODATA): a cut
// answer, a compression-pointer loop, garbage after the header or a CNAME chain the server
// stopped following are `error` (or, for the chain, followed by us), and an unreachable server
// is a query error, never a throw.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { StubResolver } from '../../../src/net/dns/resolver.ts';
import { decodeResponse } from '../../../src/net/dns/wire.ts';
import { rdata, response, rr, startRawDns, TYPE, type RawDnsServer, type RawQuery } from '../../hostile/support/raw-dns.ts';

let server: RawDnsServer;

function answerFor(query: RawQuery): Buffer | null {
  const [label, ...rest] = query.name.split('.');
  const zone = rest.join('.');
  switch (label) {
    case 'cut': {
      // one TXT record declared, its RDATA cut in the middle, TC clear
      const whole = response(query, { answers: [rr(query.name, TYPE.TXT, rdata.txt('v=spf1 -all'))] });
      return whole.subarray(0, whole.length - 5);
    }
    case 'pointer-loop': {
      // the answer's owner is a compression pointer to itself (offset of the answer section)
      const offset = 12 + query.question.length;
      const owner = Buffer.from([0xc0 | (offset >> 8), offset & 0xff]);
      return response(query, { answers: [rr(owner, TYPE.TXT, rdata.txt('x'))] });
    }
    case 'garbage':
      // a header that promises two answers, then noise
      return response(query, { counts: { an: 2 }, trailer: Buffer.from('\x07\xff\xfe garbage \x00\x01', 'latin1') });
    case 'garbage-question':
      return Buffer.concat([response(query, { noQuestion: true, counts: { qd: 1, an: 1 } }), Buffer.from([0x3f, 0x41])]);
    case 'cname-only':
      // what a resolver that gave up on the chain sends: the alias and nothing else
      return response(query, { answers: [rr(query.name, TYPE.CNAME, rdata.name(`target.${zone}`))] });
    case 'target':
      if (query.type === TYPE.TXT) return response(query, { answers: [rr(query.name, TYPE.TXT, rdata.txt('v=spf1 -all'))] });
      return response(query, { authority: [rr(zone, TYPE.SOA, rdata.soa(`ns.${zone}`, `hostmaster.${zone}`))] });
    case 'cname-nodata':
      // alias plus the SOA of the target's zone: RFC 2308 section 2.2 NODATA for the target
      return response(query, {
        answers: [rr(query.name, TYPE.CNAME, rdata.name(`empty.${zone}`))],
        authority: [rr(zone, TYPE.SOA, rdata.soa(`ns.${zone}`, `hostmaster.${zone}`))],
      });
    case 'loop-a':
      return response(query, { answers: [rr(query.name, TYPE.CNAME, rdata.name(`loop-b.${zone}`)), rr(`loop-b.${zone}`, TYPE.CNAME, rdata.name(query.name))] });
    case 'ping':
      return response(query, { answers: [rr(query.name, TYPE.CNAME, rdata.name(`pong.${zone}`))] });
    case 'pong':
      return response(query, { answers: [rr(query.name, TYPE.CNAME, rdata.name(`ping.${zone}`))] });
    default:
      return response(query, { rcode: 3 });
  }
}

before(async () => { server = await startRawDns(answerFor); });
after(() => server.stop());

const resolver = () => new StubResolver({ servers: [{ host: server.host, port: server.port }], timeoutMs: 2000, tries: 1 });

test('an answer cut short without the TC bit is a malformed answer (error), not NODATA', async () => {
  const answer = await resolver().query('cut.example.test', 'TXT');
  assert.equal(answer.outcome, 'error');
  assert.equal(answer.error, 'EBADRESP');
  assert.match(answer.errorDetail ?? '', /malformed answer/);
});

test('a compression-pointer loop is a malformed answer (error), not NODATA', async () => {
  const answer = await resolver().query('pointer-loop.example.test', 'TXT');
  assert.deepEqual([answer.outcome, answer.error], ['error', 'EBADRESP']);
  assert.match(answer.errorDetail ?? '', /malformed answer/);
});

test('garbage after the header is a malformed answer (error), not NODATA', async () => {
  const answer = await resolver().query('garbage.example.test', 'MX');
  assert.deepEqual([answer.outcome, answer.error], ['error', 'EBADRESP']);
});

test('our id with an unreadable question ends the wait at once as a malformed answer', async () => {
  const started = Date.now();
  const answer = await new StubResolver({ servers: [{ host: server.host, port: server.port }], timeoutMs: 20000, tries: 1 }).query('garbage-question.example.test', 'A');
  assert.deepEqual([answer.outcome, answer.error], ['error', 'EBADRESP']);
  assert.ok(Date.now() - started < 15000, 'did not wait for the timeout');
});

test('a CNAME-only answer is not NODATA: the chain\'s target is asked, and its records are the answer', async () => {
  const before = server.queries.length;
  const answer = await resolver().query('cname-only.example.test', 'TXT');
  assert.equal(answer.outcome, 'ok');
  assert.deepEqual(answer.cnames, ['target.example.test']);
  assert.deepEqual(answer.records.map((r) => r.type === 'TXT' && r.strings.join('')), ['v=spf1 -all']);
  assert.deepEqual(server.queries.slice(before).map((q) => q.name), ['cname-only.example.test', 'target.example.test']);
  const nodata = await resolver().query('cname-only.example.test', 'A');
  assert.deepEqual([nodata.outcome, nodata.cnames], ['nodata', ['target.example.test']]);
});

test('a CNAME answer with the SOA of the target\'s zone is NODATA for the target (RFC 2308 section 2.2), with no second query', async () => {
  const before = server.queries.length;
  const answer = await resolver().query('cname-nodata.example.test', 'TXT');
  assert.deepEqual([answer.outcome, answer.cnames], ['nodata', ['empty.example.test']]);
  assert.equal(server.queries.length - before, 1);
});

test('a CNAME loop, in one answer or across answers, is an error, not NODATA', async () => {
  const inOne = await resolver().query('loop-a.example.test', 'TXT');
  assert.deepEqual([inOne.outcome, inOne.error], ['error', 'EBADRESP']);
  assert.match(inOne.errorDetail ?? '', /CNAME loop/);
  const before = server.queries.length;
  const across = await resolver().query('ping.example.test', 'TXT');
  assert.deepEqual([across.outcome, across.error], ['error', 'EBADRESP']);
  assert.match(across.errorDetail ?? '', /CNAME loop \(ping\.example\.test -> pong\.example\.test -> ping\.example\.test\)/);
  assert.ok(server.queries.length - before <= 3, 'the chase is bounded');
});

test('an unreachable resolver is a query error, never a throw: port 0 and a closed port', async () => {
  const zero = await new StubResolver({ servers: [{ host: '127.0.0.1', port: 0 }], timeoutMs: 500, tries: 1 }).query('example.test', 'A');
  assert.deepEqual([zero.outcome, zero.error], ['error', 'ENETUNREACH']);
  const zeroTcp = await new StubResolver({ servers: [{ host: '::1', port: 0 }], timeoutMs: 500, tries: 2 }).query('example.test', 'MX');
  assert.equal(zeroTcp.outcome, 'error');
});

test('decodeResponse reports what it could not read instead of throwing', () => {
  const query = { id: 7, name: 'x.test', type: TYPE.A, question: Buffer.from([1, 0x78, 4, 0x74, 0x65, 0x73, 0x74, 0, 0, 1, 0, 1]), protocol: 'udp' as const };
  const decoded = decodeResponse(response(query, { counts: { an: 3 } }));
  assert.notEqual(decoded.malformed, null);
  assert.deepEqual(decoded.answers, []);
  assert.equal(decodeResponse(response(query)).malformed, null);
});
