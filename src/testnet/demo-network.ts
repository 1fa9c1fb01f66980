// The built-in offline network behind `smtp-audit demo`: the fixture DNS server with the
// sample zones in fixtures/demo/, on loopback, and the --connect-to rules that send every
// SMTP connection for the sample MX addresses to fixture MTAs on loopback. Nothing leaves
// the machine.
import { FixtureDnsServer } from './dns-server.ts';
import { loadFixtureZones } from './fixture-zones.ts';
import { DEMO_ZONES_DIR } from './paths.ts';

export interface DemoNetwork {
  /** ip:port of the fixture DNS server, for --resolver */
  resolver: string;
  /** host:port=ip:port rules for the dialer */
  connectTo: string[];
  /** the sample domains, in the order the demo audits them */
  domains: string[];
  dns: FixtureDnsServer;
  stop(): Promise<void>;
}

export const DEMO_DOMAINS = ['good.example', 'broken.example', 'nomail.example', 'implicit.example'];

export async function startDemoNetwork(): Promise<DemoNetwork> {
  const zones = loadFixtureZones(DEMO_ZONES_DIR);
  const dns = await new FixtureDnsServer({ records: zones.records, rules: zones.rules }).start();
  const stops: Array<() => Promise<void>> = [() => dns.stop()];
  return {
    resolver: dns.address,
    connectTo: [],
    domains: DEMO_DOMAINS,
    dns,
    async stop() {
      await Promise.all(stops.map((s) => s()));
    },
  };
}
