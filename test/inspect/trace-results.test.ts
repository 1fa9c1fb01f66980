// Authentication-Results (RFC 8601 section 2.2) and Received-SPF (RFC 7208 section 9.1) as
// receivers write them: comments anywhere, quoted values, "none".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAuthenticationResults, parseReceivedSpf, stripComments } from '../../src/inspect/trace-results.ts';

test('Authentication-Results: results with properties, comments and quoted values ignored correctly', () => {
  const ar = parseAuthenticationResults('mx.google.com;\r\n       dkim=pass header.i=@example.com header.s=s1 header.b="ab;cd";\r\n       spf=pass (google.com: domain of a@example.com designates 192.0.2.1 as permitted sender) smtp.mailfrom=a@example.com;\r\n       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.com');
  assert.equal(ar?.authservId, 'mx.google.com');
  assert.deepEqual(ar?.results.map((r) => [r.method, r.result]), [['dkim', 'pass'], ['spf', 'pass'], ['dmarc', 'pass']]);
  assert.equal(ar?.results[0]!.properties['header.b'], 'ab;cd');
  assert.equal(ar?.results[1]!.properties['smtp.mailfrom'], 'a@example.com');
  assert.deepEqual(parseAuthenticationResults('mx.example.org 1; none')?.results, []);
  assert.equal(parseAuthenticationResults('   '), null);
});

test('Received-SPF: result, client-ip, helo, envelope-from (quoted or not, empty for the null sender)', () => {
  assert.deepEqual(parseReceivedSpf('pass (mx.example.org: domain of a@example.com designates 192.0.2.1 as permitted sender)\r\n client-ip=192.0.2.1; envelope-from="a@example.com"; helo=mail.example.com;'),
    { result: 'pass', clientIp: '192.0.2.1', helo: 'mail.example.com', envelopeFrom: 'a@example.com' });
  assert.deepEqual(parseReceivedSpf('softfail client-ip=2001:db8::1; envelope-from=<>; helo=x.example'),
    { result: 'softfail', clientIp: '2001:db8::1', helo: 'x.example', envelopeFrom: '' });
});

test('stripComments: nested comments and quoted-pairs, quoted strings untouched', () => {
  assert.equal(stripComments('a (b (c) d) e "f (g)" h\\(i'), 'a   e "f (g)" h\\(i');
});
