// The built-in offline network behind `smtp-audit demo`: the fixture DNS server with the
// sample zones in fixtures/demo/, on loopback, and the --connect-to rules that send every
// SMTP connection for the sample MX addresses to fixture MTAs on loopback. Nothing leaves
// the machine.
import net from 'node:net';
import tls from 'node:tls';
import { FixtureDnsServer } from './dns-server.ts';
import { loadFixtureZones } from './fixture-zones.ts';
import { demoTlsaRecords, makeDemoPki, type DemoPki } from './demo-pki.ts';
import { startSmtpServerMta, type FixtureMta } from './mta/smtp-server-mta.ts';
import { DEMO_ZONES_DIR } from './paths.ts';
import { startHttpsPolicyServer } from './https-policy-server.ts';

export interface DemoNetwork {
  /** ip:port of the fixture DNS server, for --resolver */
  resolver: string;
  /** host:port=ip:port rules for the dialer */
  connectTo: string[];
  /** PEM CAs the MTA-STS policy fetch must trust (the demo's HTTPS policy server), for options.extra.trustedCa; the MTAs' CA is trusted by the process while the network runs */
  trustedCa: string[];
  /** the sample domains, in the order the demo audits them */
  domains: string[];
  dns: FixtureDnsServer;
  stop(): Promise<void>;
}

export const DEMO_DOMAINS = ['good.example', 'broken.example', 'nomail.example', 'implicit.example'];

export async function startDemoNetwork(): Promise<DemoNetwork> {
  const pki = makeDemoPki();
  const zones = loadFixtureZones(DEMO_ZONES_DIR);
  const dns = await new FixtureDnsServer({ records: [...zones.records, ...demoTlsaRecords(pki)], rules: zones.rules }).start();
  const stops: Array<() => Promise<void>> = [() => dns.stop()];
  const mtas = await startDemoMtas(pki);
  stops.push(mtas.stop);
  const policies = await startDemoPolicyServer(pki);
  stops.push(policies.stop);
  return {
    resolver: dns.address,
    connectTo: [...mtas.connectTo, ...policies.connectTo],
    trustedCa: [pki.rootPem],
    domains: DEMO_DOMAINS,
    dns,
    async stop() {
      await Promise.all(stops.map((s) => s()));
    },
  };
}

// The demo MTAs (src/testnet/mta), one per sample server, reached through --connect-to:
// - good.example: mx1 (192.0.2.10, 2001:db8::10) and mx2 (192.0.2.11), STARTTLS with a
//   certificate for their names from the demo CA, TLS 1.2+, relaying refused;
// - broken.example: server.hosting.example (198.51.100.20) offers no STARTTLS but AUTH in
//   plaintext; backup (198.51.100.30) has a self-signed certificate, still speaks TLS 1.0 and
//   does not match its TLSA record; relay (198.51.100.40) is an open relay with an expired
//   certificate;
// - implicit.example (203.0.113.25): nothing listens (connection refused), like a web server
//   that receives no mail.
// The demo CA is added to this process's default trust store while the network runs (as
// NODE_EXTRA_CA_CERTS would), so good.example's certificates verify as they would in the wild.
async function startDemoMtas(pki: DemoPki): Promise<{ connectTo: string[]; stop: () => Promise<void> }> {
  const mx1 = await startSmtpServerMta({ name: 'mx1.good.example', cert: pki.valid, localDomains: ['good.example'] });
  const mx2 = await startSmtpServerMta({ name: 'mx2.good.example', cert: pki.valid, localDomains: ['good.example'] });
  const hosting = await startSmtpServerMta({ name: 'server.hosting.example', cert: null, authBeforeTls: true, localDomains: ['broken.example'] });
  const backup = await startSmtpServerMta({ name: 'backup.broken.example', cert: pki.selfSigned, minVersion: 'TLSv1', localDomains: ['broken.example'] });
  const relay = await startSmtpServerMta({ name: 'relay.broken.example', cert: pki.expired, relay: 'open' });
  const closedPort = await unusedPort();
  const all: FixtureMta[] = [mx1, mx2, hosting, backup, relay];
  const previousCas = tls.getCACertificates('default');
  tls.setDefaultCACertificates([...previousCas, pki.rootPem]);
  const rule = (address: string, to: string) => `${address.includes(':') ? `[${address}]` : address}:25=${to}`;
  return {
    connectTo: [
      rule('192.0.2.10', mx1.address), rule('2001:db8::10', mx1.address), rule('192.0.2.11', mx2.address),
      rule('198.51.100.20', hosting.address), rule('198.51.100.30', backup.address), rule('198.51.100.40', relay.address),
      rule('203.0.113.25', `127.0.0.1:${closedPort}`),
    ],
    async stop() {
      tls.setDefaultCACertificates(previousCas);
      await Promise.all(all.map((m) => m.stop()));
    },
  };
}

/** A loopback port nothing listens on: bound, read, released. */
function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// The MTA-STS policy host of good.example (RFC 8461 3.3), on the loopback HTTPS policy server:
// mode enforce, covering mx1 and mx2. Its certificate comes from the demo's own CA, which the
// demo passes to the audit as options.extra.trustedCa.
// broken.example's policy host does not exist, so it needs no server.
async function startDemoPolicyServer(pki: DemoPki): Promise<{ connectTo: string[]; stop: () => Promise<void> }> {
  const server = await startHttpsPolicyServer({
    certificates: { 'policy-host': pki.policyHost },
    routes: {
      'mta-sts.good.example': { body: 'version: STSv1\nmode: enforce\nmx: mx1.good.example\nmx: mx2.good.example\nmax_age: 1209600\n' },
    },
  });
  return { connectTo: server.connectTo(), stop: () => server.stop() };
}
