import { test } from 'node:test';
import assert from 'node:assert/strict';
import present from '../../src/checks/ptr/present.ts';
import forward from '../../src/checks/ptr/forward-confirmed.ts';
import { failed, nodata, nx, ok, ptrEntry, ptrFacts } from '../support/facts.ts';
import { judge } from '../support/run-check.ts';

test('ptr/present passes when every address has a PTR', () => {
  const r = judge(present, { ptr: ptrFacts([ptrEntry('192.0.2.1', ok('mx.example.com')), ptrEntry('2001:db8::1', ok('mx.example.com'))]) });
  assert.equal(r.status, 'pass');
});

test('ptr/present fails for NXDOMAIN and NODATA, info for several names, error for timeouts', () => {
  const r = judge(present, { ptr: ptrFacts([ptrEntry('192.0.2.1', nx()), ptrEntry('192.0.2.2', nodata()), ptrEntry('192.0.2.3', ok('a.example', 'b.example')), ptrEntry('192.0.2.4', failed())]) });
  assert.equal(r.status, 'fail');
  assert.deepEqual(r.findings.map((f) => [f.subject, f.severity]), [['192.0.2.1', 'fail'], ['192.0.2.2', 'fail'], ['192.0.2.3', 'info']]);
  assert.match(r.error!, /192\.0\.2\.4: PTR lookup failed/);
  const onlyTimeout = judge(present, { ptr: ptrFacts([ptrEntry('192.0.2.4', failed())]) });
  assert.equal(onlyTimeout.status, 'error');
  assert.equal(judge(present, { ptr: ptrFacts([ptrEntry('192.0.2.3', ok('a.example', 'b.example'))]) }).status, 'info');
});

test('ptr/present is skipped for null MX and error when MX lookups failed', () => {
  assert.equal(judge(present, { ptr: ptrFacts([], 'null-mx') }).status, 'skipped');
  assert.equal(judge(present, { ptr: ptrFacts([], 'unknown') }).status, 'error');
});

test('ptr/forward-confirmed passes when a PTR name resolves back (IPv6 in any text form)', () => {
  const r = judge(forward, { ptr: ptrFacts([
    ptrEntry('192.0.2.1', ok('mx.example.com'), { 'mx.example.com': ok('192.0.2.1') }),
    ptrEntry('2001:db8::1', ok('mx.example.com'), { 'mx.example.com': ok('2001:0db8:0000:0000:0000:0000:0000:0001') }),
  ]) });
  assert.equal(r.status, 'pass');
});

test('ptr/forward-confirmed warns when no PTR name resolves back', () => {
  const r = judge(forward, { ptr: ptrFacts([ptrEntry('192.0.2.1', ok('other.example'), { 'other.example': ok('192.0.2.99') })]) });
  assert.equal(r.status, 'warn');
  assert.equal(r.findings[0]!.code, 'ptr/forward-confirmed.mismatch');
  assert.ok(r.findings[0]!.evidence.includes('A other.example: 192.0.2.99'));
  const nxForward = judge(forward, { ptr: ptrFacts([ptrEntry('192.0.2.1', ok('gone.example'), { 'gone.example': nx() })]) });
  assert.equal(nxForward.status, 'warn');
});

test('ptr/forward-confirmed is error when the forward lookup fails, skipped with no PTR at all', () => {
  assert.equal(judge(forward, { ptr: ptrFacts([ptrEntry('192.0.2.1', ok('mx.example'), { 'mx.example': failed() })]) }).status, 'error');
  assert.equal(judge(forward, { ptr: ptrFacts([ptrEntry('192.0.2.1', nx())]) }).status, 'skipped');
});
