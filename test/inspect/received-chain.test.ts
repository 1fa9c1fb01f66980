// Received fields as real servers write them (RFC 5321 section 4.4, RFC 8314 section 7), parsed
// into hops; the route is read bottom-up and each hop's delay follows from the one before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReceived, traceRoute } from '../../src/inspect/received-chain.ts';

test('Gmail style: version=TLS1_3 cipher=... in a comment, IPv6 TCP-info', () => {
  const hop = parseReceived('from mail-wr1-x42f.google.com (mail-wr1-x42f.google.com. [2a00:1450:4864:20::42f])\r\n        by mx.example.org with ESMTPS id a1si123456wrz.210.2026.11.23.01.02.03\r\n        for <x@example.org>\r\n        (version=TLS1_3 cipher=TLS_AES_128_GCM_SHA256 bits=128/128);\r\n        Mon, 23 Nov 2026 01:02:03 -0800 (PST)');
  assert.equal(hop.from, 'mail-wr1-x42f.google.com');
  assert.equal(hop.fromIp, '2a00:1450:4864:20::42f');
  assert.equal(hop.by, 'mx.example.org');
  assert.equal(hop.with, 'ESMTPS');
  assert.equal(hop.for, 'x@example.org');
  assert.deepEqual(hop.tls, { used: true, version: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' });
  assert.equal(hop.time, '2026-11-23T09:02:03.000Z');
});

test('an address literal in HELO is not the connecting address; the TCP-info is', () => {
  const hop = parseReceived('from [10.1.1.1] (unknown [198.51.100.9]) by mx.example.org (Postfix) with ESMTP id 1; Mon, 23 Nov 2026 09:00:00 +0000');
  assert.equal(hop.from, '[10.1.1.1]');
  assert.equal(hop.fromIp, '198.51.100.9');
  assert.equal(hop.fromRdns, null, 'Postfix writes "unknown" when there is no PTR');
  assert.deepEqual(hop.tls, { used: false, version: null, cipher: null });
  const literal = parseReceived('from [IPv6:2001:db8::25] by mx.example.org with SMTP; Mon, 23 Nov 2026 09:00:00 +0000');
  assert.equal(literal.fromIp, '2001:db8::25');
});

test('host names are never read as TLS versions; no with clause means TLS unknown', () => {
  const hop = parseReceived('from tls12.example.net (tls12.example.net [192.0.2.12]) by tls13.example.org; Mon, 23 Nov 2026 09:00:00 +0000');
  assert.equal(hop.tls, null);
  assert.equal(hop.by, 'tls13.example.org');
});

test('a field without a readable date keeps its parts and has no time', () => {
  const hop = parseReceived('from a.example by b.example with LMTP');
  assert.equal(hop.time, null);
  assert.equal(hop.dateText, null);
  assert.equal(hop.with, 'LMTP');
});

test('traceRoute: oldest first, delays from Date, negative delays kept as clock skew', () => {
  const hops = traceRoute([
    'from b.example by c.example with ESMTP; Mon, 23 Nov 2026 09:00:05 +0000',
    'from a.example by b.example with ESMTP; Mon, 23 Nov 2026 09:00:10 +0000',
    'from laptop by a.example with ESMTPSA; Mon, 23 Nov 2026 10:00:02 +0100',
  ], 'Mon, 23 Nov 2026 09:00:00 +0000');
  assert.deepEqual(hops.map((h) => [h.index, h.by, h.delayMs]), [[1, 'a.example', 2000], [2, 'b.example', 8000], [3, 'c.example', -5000]]);
  const noDate = traceRoute(['from a by b; Mon, 23 Nov 2026 09:00:00 +0000'], null);
  assert.equal(noDate[0]!.delayMs, null);
});
