import { test } from 'node:test';
import assert from 'node:assert/strict';
import present from '../../src/checks/mx/present.ts';
import targets, { isDocumentationName, unreachableReason } from '../../src/checks/mx/targets.ts';
import { failed, host, mxFacts, nodata, nx, ok } from '../support/facts.ts';
import { judge } from '../support/run-check.ts';

test('mx/present passes with MX records and notes them', () => {
  const r = judge(present, { mx: mxFacts('mx', [host('mx.example.com', ok('192.0.2.1'))]) });
  assert.equal(r.status, 'pass');
  assert.match(r.notes![0]!, /1 MX record: 10 mx\.example\.com/);
});

test('mx/present warns on implicit MX, fails on no route or NXDOMAIN, info on null MX', () => {
  assert.equal(judge(present, { mx: mxFacts('implicit', [host('example.com', ok('192.0.2.1'))]) }).findings[0]!.code, 'mx/present.implicit-mx');
  assert.equal(judge(present, { mx: mxFacts('implicit', [host('example.com', ok('192.0.2.1'))]) }).status, 'warn');
  const none = judge(present, { mx: mxFacts('none') });
  assert.equal(none.status, 'fail');
  assert.equal(none.findings[0]!.code, 'mx/present.no-mx');
  const gone = judge(present, { mx: mxFacts('none', [], nx()) });
  assert.equal(gone.findings[0]!.code, 'mx/present.domain-not-found');
  const nullMx = judge(present, { mx: mxFacts('null-mx', [], ok({ priority: 0, exchange: '' })) });
  assert.equal(nullMx.status, 'info');
  assert.equal(nullMx.findings[0]!.code, 'mx/present.null-mx');
});

test('mx/present warns when a null MX stands beside other MX records', () => {
  const r = judge(present, { mx: mxFacts('null-mx', [], ok({ priority: 0, exchange: '' }, { priority: 10, exchange: 'mx.example.com' })) });
  assert.equal(r.status, 'warn');
  assert.equal(r.findings[0]!.code, 'mx/present.null-mx-with-others');
});

test('mx/present is error, not fail, when the MX lookup fails', () => {
  const r = judge(present, { mx: mxFacts('unknown', [], failed('ESERVFAIL: SERVFAIL from 127.0.0.1:53')) });
  assert.equal(r.status, 'error');
  assert.match(r.error!, /ESERVFAIL/);
  assert.equal(r.findings.length, 0);
});

test('mx/targets fails on CNAME, IP literal, missing host and no address; passes a good host', () => {
  const facts = mxFacts('mx', [
    host('good.example.com', ok('192.0.2.1')),
    host('alias.example.com', { outcome: 'ok', values: ['192.0.2.2'], cnames: ['real.example.net'] }),
    host('192.0.2.9', nx(), nx(), { ipLiteral: true }),
    host('gone.example.com', nx(), nx()),
    host('empty.example.com', nodata(), nodata()),
  ]);
  const r = judge(targets, { mx: facts });
  assert.equal(r.status, 'fail');
  assert.deepEqual(r.findings.map((f) => [f.subject, f.code]), [
    ['alias.example.com', 'mx/targets.cname'],
    ['192.0.2.9', 'mx/targets.ip-literal'],
    ['gone.example.com', 'mx/targets.target-not-found'],
    ['empty.example.com', 'mx/targets.no-address'],
  ]);
  assert.equal(judge(targets, { mx: mxFacts('mx', [host('good.example.com', ok('192.0.2.1'), ok('2001:db8::1'))]) }).status, 'pass');
});

test('mx/targets fails private-only targets and warns on mixed ones', () => {
  assert.equal(judge(targets, { mx: mxFacts('mx', [host('lan.example.com', ok('10.0.0.5'))]) }).findings[0]!.code, 'mx/targets.unroutable');
  const mixed = judge(targets, { mx: mxFacts('mx', [host('m.example.com', ok('192.0.2.5', '127.0.0.1'))]) });
  assert.equal(mixed.status, 'warn');
  assert.equal(mixed.findings[0]!.code, 'mx/targets.partly-unroutable');
});

test('mx/targets judges addresses by the IANA special-purpose registries, naming the range', () => {
  const real = (name: string, v4: string[], v6: string[] = []) => ({
    ...mxFacts('mx', [host(name, v4.length ? ok(...v4) : nodata(), v6.length ? ok(...v6) : nodata())]), domain: 'mail-domain.net',
  });
  const doc = judge(targets, { mx: real('mx.mail-domain.net', ['192.0.2.10'], ['2001:db8::10']) }, 'mail-domain.net');
  assert.equal(doc.status, 'fail');
  assert.equal(doc.findings[0]!.code, 'mx/targets.unroutable');
  assert.match(doc.findings[0]!.message, /192\.0\.2\.10 is on a documentation network \(RFC 5737, TEST-NET-1\); 2001:db8::10 is in a documentation prefix \(RFC 3849/);
  const mapped = judge(targets, { mx: real('mx.mail-domain.net', [], ['::ffff:10.0.0.1']) }, 'mail-domain.net');
  assert.match(mapped.findings[0]!.message, /::ffff:10\.0\.0\.1 is an IPv4-mapped address \(RFC 4291 2\.5\.5\.2\) of 10\.0\.0\.1, which is on a private network/);
  const mixed = judge(targets, { mx: real('mx.mail-domain.net', ['203.0.113.5', '198.18.0.7', '8.8.8.8']) }, 'mail-domain.net');
  assert.equal(mixed.status, 'warn');
  assert.match(mixed.findings[0]!.message, /203\.0\.113\.5 is on a documentation network .*; 198\.18\.0\.7 is on the benchmarking network \(RFC 2544\)/);
  for (const address of ['240.0.0.9', '224.0.0.25', 'ff05::25', '0.0.0.0']) {
    assert.equal(judge(targets, { mx: address.includes(':') ? real('m.mail-domain.net', [], [address]) : real('m.mail-domain.net', [address]) }, 'mail-domain.net').status, 'fail', address);
  }
});

test('mx/targets accepts documentation addresses for the documentation names of RFC 2606 only', () => {
  assert.equal(isDocumentationName('good.example'), true);
  assert.equal(isDocumentationName('mail.example.com'), true);
  assert.equal(isDocumentationName('lab.test'), true);
  assert.equal(isDocumentationName('example.com.au'), false);
  assert.equal(isDocumentationName('notexample.com'), false);
  assert.equal(unreachableReason('192.0.2.1', 'example.com'), null);
  assert.match(unreachableReason('192.0.2.1', 'example.com.au')!, /documentation network/);
  assert.match(unreachableReason('10.0.0.1', 'example.com')!, /private network/);
  const lab = judge(targets, { mx: { ...mxFacts('mx', [host('mx.lab.test', ok('198.51.100.25'))]), domain: 'lab.test' } }, 'lab.test');
  assert.equal(lab.status, 'pass');
});

test('mx/targets is error when an address lookup times out, and fail still wins over error', () => {
  const r = judge(targets, { mx: mxFacts('mx', [host('slow.example.com', failed(), failed())]) });
  assert.equal(r.status, 'error');
  assert.match(r.error!, /slow\.example\.com: address lookup failed: ETIMEOUT/);
  const both = judge(targets, { mx: mxFacts('mx', [host('slow.example.com', failed(), failed()), host('gone.example.com', nx(), nx())]) });
  assert.equal(both.status, 'fail');
  assert.ok(both.error);
});

test('mx/targets is skipped for null MX and for an IP target', () => {
  const r = judge(targets, { mx: mxFacts('null-mx', [], ok({ priority: 0, exchange: '' })) });
  assert.equal(r.status, 'skipped');
  assert.match(r.skippedReason!, /null MX/);
  const ip = judge(targets, {}, '192.0.2.1');
  assert.equal(ip.status, 'skipped');
  assert.match(ip.skippedReason!, /IP address/);
});
