// The hand-written query encoder writes the same bytes dns2's Packet wrote (the encoder it
// replaced), and dns2's parser (the fixture server's) reads them back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Packet } from 'dns2';
import { encodeQuery } from '../../../src/net/dns/wire.ts';
import type { RRType } from '../../../src/net/dns/types.ts';

const CODES: Record<string, number> = { A: 1, MX: 15, TXT: 16, PTR: 12, AAAA: 28, TLSA: 52, CAA: 257 };

function withDns2(id: number, name: string, type: number): Buffer {
  const packet = new Packet();
  packet.header = new (Packet as unknown as { Header: new (o: object) => never }).Header({ id, rd: 1, ad: 1 });
  packet.questions.push({ name, type, class: 1 } as never);
  packet.additionals.push((Packet as unknown as { Resource: { EDNS: (o: unknown[], p: object) => never } }).Resource.EDNS([], { udpPayloadSize: 1232 }));
  return packet.toBuffer();
}

test('the same bytes as dns2 wrote, for names and types the audit asks', () => {
  const cases: Array<[string, RRType]> = [['example.com', 'MX'], ['_dmarc.x.example', 'TXT'], ['1.2.0.192.in-addr.arpa', 'PTR'],
    ['xn--bcher-kva.example', 'A'], ['_25._tcp.mx.example', 'TLSA'], ['a.b.c.d.e.f.example', 'AAAA'], ['example.com', 'CAA']];
  for (const [name, type] of cases) {
    for (const id of [0, 1, 4660, 65535]) assert.equal(encodeQuery(id, name, type).toString('hex'), withDns2(id, name, CODES[type]!).toString('hex'), `${name} ${type} id ${id}`);
  }
});

test('dns2 parses it: id, RD and AD, the question, and the OPT record with 1232 octets', () => {
  const parsed = Packet.parse(encodeQuery(4242, 'mail.example.org', 'MX')) as unknown as {
    header: { id: number; rd: number; ad: number; qr: number }; questions: Array<{ name: string; type: number; class: number }>; additionals: Array<{ type: number; class: number }>;
  };
  assert.deepEqual([parsed.header.id, parsed.header.rd, parsed.header.ad, parsed.header.qr], [4242, 1, 1, 0]);
  assert.deepEqual(parsed.questions.map((q) => ({ name: q.name, type: q.type, class: q.class })), [{ name: 'mail.example.org', type: 15, class: 1 }]);
  assert.equal(parsed.additionals[0]!.type, 41);
  assert.equal(parsed.additionals[0]!.class, 1232);
});
