// One probe per address for the whole run, one connection per address at a time, and a cap on
// probes running at once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ProbeCache } from '../../src/probe/probe-cache.ts';
import type { SmtpAddressProbe } from '../../src/probe/types.ts';
import { startSmtpServerMta, type FixtureMta } from '../../src/testnet/mta/smtp-server-mta.ts';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { MX1, probeAudit, probeEnv, route, smtpFacts } from './support.ts';

let dns: FixtureDnsServer;
let server: FixtureMta;
before(async () => {
  dns = await startTestDns();
  server = await startSmtpServerMta({ name: 'mx1.mx.probe.example', cert: 'valid' });
});
after(async () => { await server.stop(); await dns.stop(); });

test('domains sharing an MX host share one probe of its address for the whole run', async () => {
  const env = probeEnv(dns, [route(MX1, server)]);
  const before = server.connections;
  const [one, also] = await Promise.all([
    probeAudit('one.probe.example', { dns, connectTo: [], env }),
    probeAudit('also.probe.example', { dns, connectTo: [], env }),
  ]);
  const a = smtpFacts(one).addresses[0]!;
  // the main session, the relay test's further sessions, three version tries: once, not twice
  const perProbe = 1 + (a.relay!.sessions - 1) + 3;
  assert.equal(server.connections - before, perProbe, 'one probe of the address, not two');
  const b = smtpFacts(also).addresses[0]!;
  assert.equal(a.startedAt, b.startedAt, 'the same probe result');
  const again = await probeAudit('one.probe.example', { dns, connectTo: [], env });
  assert.equal(server.connections - before, perProbe, 'later audits in the same run reuse it');
  assert.equal(smtpFacts(again).addresses[0]!.startedAt, a.startedAt);
});

const fakeProbe = (address: string): SmtpAddressProbe => ({ address } as SmtpAddressProbe);

test('at most `concurrency` probes run at once; probes of one address never overlap', async () => {
  const cache = new ProbeCache(2);
  let running = 0;
  let peak = 0;
  const perAddress = new Map<string, number>();
  let overlap = false;
  const job = (address: string) => async () => {
    running++;
    peak = Math.max(peak, running);
    perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
    if (perAddress.get(address)! > 1) overlap = true;
    await new Promise((r) => setTimeout(r, 20));
    perAddress.set(address, perAddress.get(address)! - 1);
    running--;
    return fakeProbe(address);
  };
  const results = await Promise.all([
    cache.probe('a1', 'a', job('a')), cache.probe('a2', 'a', job('a')), cache.probe('a3', 'a', job('a')),
    cache.probe('b', 'b', job('b')), cache.probe('c', 'c', job('c')), cache.probe('d', 'd', job('d')),
    cache.probe('b', 'b', job('b')),
  ]);
  assert.equal(peak, 2);
  assert.equal(overlap, false);
  assert.equal(cache.size, 6, 'the repeated key was not probed again');
  assert.equal(results[3], results[6]);
});
