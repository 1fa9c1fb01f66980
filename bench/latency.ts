// The latency of one audit, in round trips. The DNS server answers every question after a
// fixed delay, so the audit's wall time divided by that delay is the number of round trips it
// effectively waited for. The floor is the critical path: the longest chain of questions where
// each one needs the answer of the one before (the MX set, then an MX host's address, then its
// PTR, then the PTR name's address...). It is computed from the questions the server saw and
// the answers the zone gives them: a question depends on an earlier one whose answer names it
// (an MX exchange, a CNAME or PTR target, an SPF include/redirect/a/mx/exists target, a DMARC
// report address's domain, an address whose reversed form it starts with), or, for the DMARC
// tree walk (RFC 9989), on the record it walked up from. A client asking one question at a
// time would need as many round trips as there are distinct questions.
import { performance } from 'node:perf_hooks';
import { reverseName } from '../src/collect/ptr.ts';
import { audit } from '../src/core/audit.ts';
import { createAuditEnv } from '../src/core/env.ts';
import { reverseIpv4 } from '../src/dnsbl/dnsbl-list.ts';
import type { ZoneRecord } from '../src/parse/zone-file.ts';
import { ZoneStore } from '../src/testnet/zone-store.ts';
import type { BenchDnsServer } from './bench-dns.ts';

export interface LatencyFigure {
  domain: string;
  wallMs: number;
  delayMs: number;
  effectiveRoundTrips: number;
  criticalPath: number;
  questions: number;
  distinct: number;
  duplicates: number;
}

const SPF_TARGET = /(?:^|\s)[+?~-]?(?:include:|redirect=|a:|mx:|exists:|ptr:)([^\s/]+)/gi;
const REPORT_HOST = /mailto:[^@,;\s]+@([^,;!\s]+)/gi;

/** The names an answer makes a client ask about next, and name prefixes (reversed addresses). */
function mentions(records: readonly ZoneRecord[]): { names: Set<string>; prefixes: string[]; reportHosts: string[] } {
  const names = new Set<string>();
  const prefixes: string[] = [];
  const reportHosts: string[] = [];
  for (const r of records) {
    switch (r.type) {
      case 'MX': names.add(r.data.exchange); break;
      case 'CNAME': case 'PTR': case 'NS': names.add(r.target); break;
      case 'A':
        // 127.0.0.0/8 answers are blocklist codes, not addresses anyone looks up further
        if (r.address.startsWith('127.')) break;
        names.add(reverseName(r.address));
        prefixes.push(`${reverseIpv4(r.address)}.`);
        break;
      case 'AAAA': {
        const reversed = reverseName(r.address);
        names.add(reversed);
        prefixes.push(`${reversed.replace(/\.ip6\.arpa$/, '')}.`);
        break;
      }
      case 'TXT': case 'SPF': {
        const text = r.strings.join('');
        for (const m of text.matchAll(SPF_TARGET)) names.add(m[1]!.toLowerCase().replace(/\.$/, ''));
        for (const m of text.matchAll(REPORT_HOST)) reportHosts.push(m[1]!.toLowerCase());
        break;
      }
      default: break;
    }
  }
  return { names, prefixes, reportHosts };
}

/** The longest dependency chain among the questions, in arrival order. */
export function criticalPath(questions: ReadonlyArray<[string, string]>, store: ZoneStore): number {
  const depth: number[] = [];
  const answers = questions.map(([name, type]) => mentions(store.lookup(name, type).answers));
  let longest = 0;
  questions.forEach(([name], i) => {
    let parent = 0;
    for (let j = 0; j < i; j++) {
      const m = answers[j]!;
      const [earlier] = questions[j]!;
      const depends = m.names.has(name)
        || m.prefixes.some((p) => name.startsWith(p))
        || m.reportHosts.some((h) => name.endsWith(`._report._dmarc.${h}`))
        || (name.startsWith('_dmarc.') && earlier.startsWith('_dmarc.') && earlier.endsWith(`.${name.slice('_dmarc.'.length)}`));
      if (depends) parent = Math.max(parent, depth[j]!);
    }
    depth[i] = parent + 1;
    longest = Math.max(longest, depth[i]!);
  });
  return longest;
}

/** One DNS-only audit of `domain` against a server that answers after `delayMs`, cold cache. */
export async function measureLatency(domain: string, server: BenchDnsServer, delayMs: number, records: readonly ZoneRecord[], blocklists = true): Promise<LatencyFigure> {
  const env = createAuditEnv({ resolvers: [server.address] });
  await server.record();
  const started = performance.now();
  await audit(domain, { env, options: { smtp: false, defaultDnsbls: blocklists } });
  const wallMs = performance.now() - started;
  const log = await server.log();
  const questions = log.map(([name, type]) => [name, type] as [string, string]);
  const distinct = new Set(questions.map(([n, t]) => `${t} ${n}`)).size;
  return {
    domain, delayMs,
    wallMs: Math.round(wallMs),
    effectiveRoundTrips: Number((wallMs / delayMs).toFixed(1)),
    criticalPath: criticalPath(questions, new ZoneStore(records)),
    questions: questions.length,
    distinct,
    duplicates: questions.length - distinct,
  };
}
