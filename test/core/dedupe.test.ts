// One DNS cache per run: concurrent collectors of concurrent audits that need the same
// answer send one query between them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { audit } from '../../src/core/audit.ts';
import { createAuditEnv } from '../../src/core/env.ts';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns({ delayMs: 20 }); });
after(() => dns.stop());

test('identical queries from concurrent collectors reach the DNS server once', async () => {
  const lines: string[] = [];
  const env = createAuditEnv({ resolvers: [dns.address], debug: (l) => lines.push(l) });
  const reports = await Promise.all(['shared-a.example', 'shared-b.example', 'shared-a.example'].map((d) => audit(d, { env, only: ['mx', 'ptr'], options: { smtp: false } })));
  for (const report of reports) {
    assert.equal(report.checks.find((c) => c.id === 'mx/targets')!.status, 'pass');
    assert.equal(report.checks.find((c) => c.id === 'ptr/forward-confirmed')!.status, 'pass');
  }
  assert.equal(dns.queriesFor('mx.shared.example', 'A').length, 1, 'the shared MX host was asked for once');
  assert.equal(dns.queriesFor('mx.shared.example', 'AAAA').length, 1);
  assert.equal(dns.queriesFor('70.2.0.192.in-addr.arpa', 'PTR').length, 1);
  assert.equal(dns.queriesFor('shared-a.example', 'MX').length, 1, 'the same domain twice: one MX query');
  assert.ok(lines.some((l) => /\(cache\)$/.test(l)), 'cache hits are logged under --verbose');
});

test('--verbose lines name the type, name, answer code, count, time and server', async () => {
  const lines: string[] = [];
  const env = createAuditEnv({ resolvers: [dns.address], debug: (l) => lines.push(l) });
  await env.resolver.query('nope.outcomes.example', 'A');
  await env.resolver.query('mx.outcomes.example', 'A');
  assert.match(lines[0]!, new RegExp(`^dns A +nope\\.outcomes\\.example -> NXDOMAIN ENOTFOUND \\d+ms \\(${dns.address.replace(/\./g, '\\.')} udp\\)$`));
  assert.match(lines[1]!, /^dns A +mx\.outcomes\.example -> NOERROR 1 record \d+ms/);
});
