// tls-rpt/present over hand-built facts, and its collector against the fixture DNS server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import present from '../../src/checks/tls-rpt/present.ts';
import { tlsRptCollector, type TlsRptFacts } from '../../src/collect/tls-rpt.ts';
import { DEFAULT_OPTIONS } from '../../src/core/context.ts';
import { createAuditEnv } from '../../src/core/env.ts';
import type { LookupFact } from '../../src/core/facts.ts';
import { parseTarget } from '../../src/core/target.ts';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { judge } from '../support/run-check.ts';

const facts = (txt: LookupFact<string>): TlsRptFacts => ({ domain: 'example.com', name: '_smtp._tls.example.com', txt });
const ok = (...values: string[]): LookupFact<string> => ({ outcome: 'ok', values });
const codes = (r: { findings: Array<{ code: string }> }) => r.findings.map((f) => f.code);

test('tls-rpt/present: pass with one valid record, noting where reports go', () => {
  const r = judge(present, { tlsRpt: facts(ok('v=TLSRPTv1; rua=mailto:tls@example.com,https://reports.example.com/tls')) });
  assert.equal(r.status, 'pass');
  assert.match(r.notes![0]!, /mailto:tls@example\.com, https:\/\/reports\.example\.com\/tls/);
  assert.equal(judge(present, { tlsRpt: facts(ok('v=spf1 -all', 'v=TLSRPTv1; rua=mailto:tls@example.com')) }).status, 'pass');
});

test('tls-rpt/present: info when absent, fail when invalid, duplicated or discarded, warn on a repeated field, error on failure', () => {
  const none = judge(present, { tlsRpt: facts({ outcome: 'nxdomain', values: [] }) });
  assert.equal(none.status, 'info');
  assert.deepEqual(codes(none), ['tls-rpt/present.none']);
  const noRua = judge(present, { tlsRpt: facts(ok('v=TLSRPTv1;')) });
  assert.equal(noRua.status, 'fail');
  assert.deepEqual(codes(noRua), ['tls-rpt/present.rua-missing']);
  assert.deepEqual(codes(judge(present, { tlsRpt: facts(ok('v=TLSRPTv1; rua=ftp://x.example.com/in')) })), ['tls-rpt/present.uri-scheme-unsupported']);
  assert.deepEqual(codes(judge(present, { tlsRpt: facts(ok('v=TLSRPTv1; rua=mailto:a@example.com', 'v=TLSRPTv1; rua=mailto:b@example.com')) })), ['tls-rpt/present.multiple-records']);
  const near = judge(present, { tlsRpt: facts(ok('V=TLSRPTv1; rua=mailto:a@example.com')) });
  assert.equal(near.status, 'fail');
  const repeated = judge(present, { tlsRpt: facts(ok('v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com')) });
  assert.equal(repeated.status, 'warn');
  assert.deepEqual(codes(repeated), ['tls-rpt/present.tag-duplicate']);
  assert.equal(judge(present, { tlsRpt: facts({ outcome: 'error', values: [], error: 'ETIMEOUT: no answer' }) }).status, 'error');
});

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());

test('the TLS-RPT collector reads _smtp._tls.<domain> through the fixture DNS server', async () => {
  const env = createAuditEnv({ resolvers: [dns.address], dnsTimeoutMs: 300, dnsTries: 1 });
  const collect = (domain: string) => tlsRptCollector.collect({ target: parseTarget(domain), env, options: DEFAULT_OPTIONS, need: () => Promise.reject(new Error('no')) });
  const good = await collect('tlsrpt-good.example');
  assert.deepEqual(good, { domain: 'tlsrpt-good.example', name: '_smtp._tls.tlsrpt-good.example', txt: { outcome: 'ok', values: ['v=TLSRPTv1; rua=mailto:tls-reports@tlsrpt-good.example'] } });
  assert.equal(judge(present, { tlsRpt: good }).status, 'pass');
  assert.equal(judge(present, { tlsRpt: await collect('tlsrpt-bad.example') }).status, 'fail');
  assert.equal(judge(present, { tlsRpt: await collect('tlsrpt-multi.example') }).status, 'fail');
  assert.equal(judge(present, { tlsRpt: await collect('tlsrpt-nearmiss.example') }).status, 'fail');
  assert.equal(judge(present, { tlsRpt: await collect('dmarc-reject.example') }).status, 'info');
  const timeout = await collect('tlsrpt-timeout.example');
  assert.equal(timeout.txt.outcome, 'error');
  assert.equal(judge(present, { tlsRpt: timeout }).status, 'error');
});
