// Starting the fixture DNS server with the test zones (fixtures/zones) for one test file.
import { FixtureDnsServer, type BehaviourRule } from '../../src/testnet/dns-server.ts';
import { loadFixtureZones, parseFixtureZone } from '../../src/testnet/fixture-zones.ts';
import { TEST_ZONES_DIR } from '../../src/testnet/paths.ts';

export async function startTestDns(options: { extraZone?: string; rules?: BehaviourRule[]; delayMs?: number; host?: string } = {}): Promise<FixtureDnsServer> {
  const zones = loadFixtureZones(TEST_ZONES_DIR);
  if (options.extraZone) {
    const extra = parseFixtureZone(options.extraZone, 'extra.zone', 'extra.example');
    zones.records.push(...extra.records);
    zones.rules.push(...extra.rules);
  }
  return new FixtureDnsServer({
    records: zones.records,
    rules: [...zones.rules, ...(options.rules ?? [])],
    delayMs: options.delayMs,
    host: options.host,
  }).start();
}
