// Shared set-up for the probe tests: the fixture DNS server with the test zones (probe-tests.zone
// holds the probe domains), fixture MTAs, and audits through the real engine with --connect-to
// rules that send each MX address to a fixture MTA on 127.0.0.1.
import { audit } from '../../src/core/audit.ts';
import type { AuditEnv, AuditOptions } from '../../src/core/context.ts';
import { createAuditEnv } from '../../src/core/env.ts';
import type { Report, CheckResult } from '../../src/core/report-types.ts';
import type { Clock } from '../../src/net/clock.ts';
import type { SmtpFacts } from '../../src/collect/smtp.ts';
import { fixtureRootCa } from '../../src/testnet/mta/fixture-certs.ts';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';

export const PROBE_AREAS = ['smtp', 'tls', 'relay', 'dane'];

/** Options every probe test uses: short timeouts, a fixed EHLO name, the test CA trusted. */
export function probeOptions(extra: Partial<AuditOptions> = {}): Partial<AuditOptions> {
  return {
    timeoutMs: 2000, greetingTimeoutMs: 2000, ehloName: 'probe.smtp-audit.invalid',
    caCertificates: [fixtureRootCa()], ...extra,
  };
}

export function probeEnv(dns: FixtureDnsServer, connectTo: string[], clock?: Clock): AuditEnv {
  return createAuditEnv({ resolvers: [dns.address], connectTo, clock, dnsTimeoutMs: 1000, dnsTries: 1 });
}

export interface ProbeAuditInput {
  dns: FixtureDnsServer;
  connectTo: string[];
  options?: Partial<AuditOptions>;
  clock?: Clock;
  only?: string[];
  env?: AuditEnv;
}

export async function probeAudit(target: string, input: ProbeAuditInput): Promise<Report> {
  const env = input.env ?? probeEnv(input.dns, input.connectTo, input.clock);
  return audit(target, { env, options: probeOptions(input.options), only: input.only ?? PROBE_AREAS });
}

export function check(report: Report, id: string): CheckResult {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id} in the report`);
  return found;
}

export function smtpFacts(report: Report): SmtpFacts {
  const slot = report.facts.smtp as { ok: boolean; value?: SmtpFacts; error?: string };
  if (!slot?.ok) throw new Error(`smtp facts missing: ${slot?.error}`);
  return slot.value!;
}

/** `mx1.mx.probe.example` is 203.0.113.125; every connection to it goes to `address`. */
export function route(mxAddress: string, fixture: { address: string }): string {
  return `${mxAddress.includes(':') ? `[${mxAddress}]` : mxAddress}:25=${fixture.address}`;
}

export const MX1 = '203.0.113.125';
export const MX2 = '203.0.113.126';
export const MX2_V6 = '2001:db8:25::126';
