// Live SMTP facts: one probe per address of every MX host (IPv4 and IPv6), or of the IP target.
// Wire steps:
// 1. the addresses: from the mx facts (RFC 5321 5.1 order), or the IP target with its PTR
//    names as host names (for SNI and certificate names);
// 2. TXT _mta-sts.<domain> (RFC 8461 3.1): only whether a policy is announced, so certificate
//    findings can say that MTA-STS senders would refuse delivery (the policy itself is the
//    mta-sts collector's business);
// 3. every address probed through src/probe (banner, EHLO, STARTTLS, TLS, relay test, TLS
//    versions), cached per address for the whole run, at most one connection per address at a
//    time and --smtp-concurrency connections overall.
// With --no-smtp, a null MX or no mail route, nothing is probed and `skipped` says why.
import { createHash } from 'node:crypto';
import net from 'node:net';
import { defineCollector } from '../core/collector.ts';
import type { AuditEnv, AuditOptions } from '../core/context.ts';
import type { LookupFact } from '../core/facts.ts';
import { lookupFact } from '../net/dns/lookup-fact.ts';
import { probeAddress } from '../probe/probe-address.ts';
import { probeCacheFor } from '../probe/probe-cache.ts';
import type { SmtpAddressProbe } from '../probe/types.ts';
import { mxAddresses, type MxFacts } from './mx.ts';

export interface SmtpFacts {
  /** why nothing was probed (--no-smtp, null MX, no mail route), or null */
  skipped: string | null;
  /** the addresses came from the MX hosts, or are the IP target */
  source: 'mx' | 'target';
  mxKind: MxFacts['kind'] | null;
  /** an MX host's address lookup failed, so some addresses may be missing */
  addressLookupFailed: boolean;
  port: number;
  ehloName: string;
  relayEnabled: boolean;
  addresses: SmtpAddressProbe[];
  /** MX addresses left out by -4/--ipv4-only or -6/--ipv6-only, with the flag */
  notProbed?: Array<{ address: string; hosts: string[]; reason: string }>;
  /** TXT _mta-sts.<domain>, joined strings; null for an IP target or when not probed */
  mtaStsTxt: LookupFact<string> | null;
}

declare module '../core/facts.ts' {
  interface FactMap { smtp: SmtpFacts }
}

function probeKey(options: AuditOptions, address: string, host: string | null): string {
  const ca = createHash('sha256').update(options.caCertificates.join('\n')).digest('hex').slice(0, 16);
  return JSON.stringify([
    address, options.port, host, options.ehloName, options.timeoutMs, options.greetingTimeoutMs,
    options.relay, options.relayFrom, options.relayTo, ca,
  ]);
}

export function probeCached(env: AuditEnv, options: AuditOptions, address: string, family: 4 | 6, hosts: string[], localDomain: string | null): Promise<SmtpAddressProbe> {
  // the run's scheduler (env.probes): shared by every target, whatever the input source
  const cache = probeCacheFor(env, options.smtpConcurrency);
  const key = probeKey(options, address, hosts[0] ?? null);
  return cache.probe(key, address, () => probeAddress(env, options, { address, family, hosts, localDomain }));
}

export const smtpCollector = defineCollector({
  key: 'smtp',
  async collect({ target, env, options, need }): Promise<SmtpFacts> {
    const base: SmtpFacts = {
      skipped: null, source: target.kind === 'ip' ? 'target' : 'mx', mxKind: null, addressLookupFailed: false,
      port: options.port, ehloName: options.ehloName, relayEnabled: options.relay, addresses: [], mtaStsTxt: null,
    };
    if (!options.smtp) return { ...base, skipped: 'live SMTP probes are disabled (--no-smtp)' };

    if (target.kind === 'ip') {
      const family: 4 | 6 = net.isIPv6(target.ip) ? 6 : 4;
      if (!(options.probeFamilies ?? [4, 6]).includes(family)) {
        return { ...base, skipped: `the target is an IPv${family} address and ${family === 4 ? '--ipv6-only' : '--ipv4-only'} was given` };
      }
      let hosts: string[] = [];
      try {
        const ptr = await need('ptr');
        hosts = ptr.addresses[0]?.ptr.values ?? [];
      } catch {
        hosts = [];
      }
      const probe = await probeCached(env, options, target.ip, family, hosts, null);
      return { ...base, addresses: [{ ...probe, hosts }] };
    }

    const domain = target.domain;
    const [mx, mtaSts] = await Promise.all([
      need('mx'),
      env.resolver.query(`_mta-sts.${domain}`, 'TXT'),
    ]);
    const mtaStsTxt = lookupFact(mtaSts, (r) => (r.type === 'TXT' ? r.strings.join('') : null));
    const facts: SmtpFacts = { ...base, mxKind: mx.kind, mtaStsTxt };
    if (mx.kind === 'null-mx') return { ...facts, skipped: 'the domain publishes a null MX (RFC 7505): it accepts no mail' };
    if (mx.kind === 'none') return { ...facts, skipped: 'the domain has no mail route (no MX and no address records)' };
    facts.addressLookupFailed = mx.hosts.some((h) => h.a.outcome === 'error' || h.aaaa.outcome === 'error');
    const families = options.probeFamilies ?? [4, 6];
    const all = mxAddresses(mx);
    const addresses = all.filter((a) => families.includes(a.family));
    const left = all.filter((a) => !families.includes(a.family));
    if (left.length > 0) {
      const reason = families.includes(4) ? '--ipv4-only' : '--ipv6-only';
      facts.notProbed = left.map((a) => ({ address: a.address, hosts: a.hosts, reason }));
    }
    facts.addresses = await Promise.all(addresses.map(async ({ address, family, hosts }) => {
      const probe = await probeCached(env, options, address, family, hosts, domain);
      return probe.hosts.join() === hosts.join() ? probe : { ...probe, hosts };
    }));
    return facts;
  },
});
