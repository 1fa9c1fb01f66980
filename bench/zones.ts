// Generated DNS data for the bulk benchmark, shaped like a real list of domains: most of them
// host their mail at a handful of big providers (shared MX hosts, shared SPF includes that
// include further netblock records, shared DKIM keys behind CNAMEs, per-domain MX names on a
// wildcard like Microsoft 365's `<domain>.mail.protection...`), the rest run their own MX
// hosts (own or shared addresses, PTRs mostly right, SPF with `mx`), and a few are broken in the ways
// real lists are: NXDOMAIN (expired domains), SERVFAIL (lame delegations) and slow answers.
// Every shipped blocklist gets its RFC 5782 test points so the default blocklists are usable
// and asked about each domain and each MX address, as in a real run through one's own resolver.
// Names are under .test and addresses on the documentation networks (RFC 2606, RFC 5737): they
// exist only on test networks, nothing is ever sent to them (the bench audits with --no-smtp),
// and the checks accept documentation addresses for documentation names.
// Deterministic: the same count gives the same zone and the same target list.
import { generateKeyPairSync } from 'node:crypto';
import { reverseName } from '../src/collect/ptr.ts';
import { dnsblQueryName, interpretAnswer, loadDefaultBlocklists } from '../src/dnsbl/dnsbl-list.ts';
import type { BehaviourRule } from '../src/testnet/dns-server.ts';

export interface BenchNetwork {
  /** RFC 1035 zone text (absolute names) */
  zone: string;
  /** the targets to audit, one per domain (NXDOMAIN, SERVFAIL and slow ones included) */
  targets: string[];
  /** each target's kind (provider-g, own, nxdomain...), index for index */
  kinds: string[];
  /** fixture-server behaviours: SERVFAIL and slow suffixes */
  rules: BehaviourRule[];
  /** how the domains are spread, for the bench's header line */
  mix: Record<string, number>;
}

/** Share of domains per kind, in percent (adds up to 100). */
const MIX: Array<[kind: string, percent: number]> = [
  ['provider-g', 30], ['provider-m', 20], ['provider-z', 8], ['provider-f', 6], ['provider-o', 6],
  ['own', 26], ['nxdomain', 2], ['servfail', 1], ['slow', 1],
];

/** ms the server waits before answering anything under slow.test */
export const SLOW_MS = 200;

function kindOf(index: number): string {
  // spread kinds evenly over the list instead of in blocks (a real list is not sorted by provider)
  const slot = (index * 7919) % 100;
  let acc = 0;
  for (const [kind, percent] of MIX) {
    acc += percent;
    if (slot < acc) return kind;
  }
  return 'own';
}

/**
 * An address on the documentation networks (RFC 5737): like the names under .test (RFC 2606),
 * they exist only on test networks, and the checks accept them for such names. They hold 762
 * hosts, so from the 763rd MX host on, hosts share addresses, as shared hosting does.
 */
const DOC_NETS = ['192.0.2', '198.51.100', '203.0.113'];
function benchV4(n: number): string {
  const index = (n - 1) % (DOC_NETS.length * 254);
  return `${DOC_NETS[Math.floor(index / 254)]}.${(index % 254) + 1}`;
}

/** whether `n` is the first host on its benchV4 address (the one its PTR names) */
const firstOnAddress = (n: number): boolean => n <= DOC_NETS.length * 254;

function benchV6(n: number): string {
  return `2001:db8:${(n >> 16).toString(16)}:${(n & 0xffff).toString(16)}::25`;
}

const ED25519_KEY = '11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=';
/** a real 2048-bit RSA key, as providers publish (DKIM key-strength parses it) */
let rsaKey: string | null = null;
function providerRsaKey(): string {
  rsaKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return rsaKey;
}

interface Provider { id: string; mx: string[]; spf: string; selector: string | null }

const PROVIDERS: Record<string, Provider> = {
  'provider-g': { id: 'g', mx: ['aspmx', 'alt1.aspmx', 'alt2.aspmx', 'alt3.aspmx', 'alt4.aspmx'], spf: '_spf.g.provider.test', selector: 'google' },
  // per-domain MX names under a wildcard, shared addresses (like Microsoft 365)
  'provider-m': { id: 'm', mx: [], spf: 'spf.protection.m.provider.test', selector: 'selector1' },
  'provider-z': { id: 'z', mx: ['mx', 'mx2'], spf: '_spf.z.provider.test', selector: 'zmail' },
  'provider-f': { id: 'f', mx: ['in1-smtp', 'in2-smtp'], spf: 'spf.f.provider.test', selector: 'fm1' },
  'provider-o': { id: 'o', mx: ['mx1', 'mx2', 'mx3'], spf: 'mx.o.provider.test', selector: null },
};

function providerZone(add: (line: string) => void, nextAddress: () => number): void {
  for (const provider of Object.values(PROVIDERS)) {
    const base = `${provider.id}.provider.test`;
    const hosts = provider.id === 'm' ? ['edge1', 'edge2'] : provider.mx;
    for (const host of hosts) {
      const name = `${host}.${base}`;
      const n = nextAddress();
      add(`${name}. 300 IN A ${benchV4(n)}`);
      add(`${name}. 300 IN AAAA ${benchV6(n)}`);
      add(`${reverseName(benchV4(n))}. 3600 IN PTR ${name}.`);
      add(`${reverseName(benchV6(n))}. 3600 IN PTR ${name}.`);
    }
    if (provider.id === 'm') {
      add(`*.mail.protection.${base}. 10 IN A ${benchV4(nextAddress())}`);
      add(`*.mail.protection.${base}. 10 IN A ${benchV4(nextAddress())}`);
    }
    // an SPF include that includes netblock records, as the big providers publish
    add(`${provider.spf}. 300 IN TXT "v=spf1 include:_nb1.${base} include:_nb2.${base} ~all"`);
    add(`_nb1.${base}. 3600 IN TXT "v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/24 ip6:2001:db8::/48 ~all"`);
    add(`_nb2.${base}. 3600 IN TXT "v=spf1 ip4:203.0.113.0/24 ip6:2001:db8:1::/48 ~all"`);
    if (provider.selector) add(`${provider.selector}._domainkey.${base}. 3600 IN TXT "v=DKIM1; k=rsa; p=${providerRsaKey()}"`);
  }
}

function blocklistTestPoints(add: (line: string) => void): void {
  for (const list of loadDefaultBlocklists()) {
    try {
      const listed = dnsblQueryName(list, list.testListed);
      // an answer the list's own data reads as a listing (a plain code, or a bitmask sublist)
      const candidates = [...Object.keys(list.codes), ...Object.keys(list.bitmask ?? {}).map((bit) => `127.0.0.${bit}`), '127.0.0.2'];
      const code = candidates.find((c) => interpretAnswer(list, [c]).verdict === 'listed') ?? '127.0.0.2';
      add(`${listed}. 300 IN A ${code}`);
    } catch { /* a list whose test point needs a key: it stays unusable, as it would */ }
  }
}

export function benchNetwork(count: number): BenchNetwork {
  const lines: string[] = ['$TTL 300'];
  const add = (line: string) => { lines.push(line); };
  let address = 1;
  const nextAddress = () => address++;
  providerZone(add, nextAddress);
  blocklistTestPoints(add);
  const targets: string[] = [];
  const kinds: string[] = [];
  const mix: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const kind = kindOf(i);
    mix[kind] = (mix[kind] ?? 0) + 1;
    kinds.push(kind);
    if (kind === 'nxdomain') { targets.push(`gone${i}.test`); continue; }
    const domain = kind === 'servfail' ? `d${i}.servfail.test` : kind === 'slow' ? `d${i}.slow.test` : `d${i}.test`;
    targets.push(domain);
    const provider = PROVIDERS[kind];
    if (provider) {
      const base = `${provider.id}.provider.test`;
      if (provider.id === 'm') add(`${domain}. IN MX 0 d${i}-test.mail.protection.${base}.`);
      else provider.mx.forEach((host, p) => add(`${domain}. IN MX ${(p + 1) * 5} ${host}.${base}.`));
      add(`${domain}. IN TXT "v=spf1 include:${provider.spf} ${i % 5 === 0 ? '?all' : '~all'}"`);
      if (provider.selector) add(`${provider.selector}._domainkey.${domain}. IN CNAME ${provider.selector}._domainkey.${base}.`);
    } else {
      // its own MX hosts: one or two, IPv6 on some, PTR on most
      const hosts = i % 2 === 0 ? ['mx1', 'mx2'] : ['mail'];
      hosts.forEach((host, p) => {
        const name = `${host}.${domain}`;
        const n = nextAddress();
        add(`${domain}. IN MX ${(p + 1) * 10} ${name}.`);
        add(`${name}. IN A ${benchV4(n)}`);
        if (i % 3 === 0) add(`${name}. IN AAAA ${benchV6(n)}`);
        if (i % 10 !== 0 && firstOnAddress(n)) add(`${reverseName(benchV4(n))}. IN PTR ${name}.`);
      });
      add(`${domain}. IN A ${benchV4(nextAddress())}`);
      add(`${domain}. IN TXT "v=spf1 mx a ${i % 4 === 0 ? 'include:_spf.z.provider.test ' : ''}-all"`);
      if (i % 3 !== 0) add(`default._domainkey.${domain}. IN TXT "v=DKIM1; k=ed25519; p=${ED25519_KEY}"`);
    }
    if (i % 10 < 7) add(`_dmarc.${domain}. IN TXT "v=DMARC1; p=${['reject', 'quarantine', 'none'][i % 3]}; rua=mailto:dmarc@${domain}"`);
    if (i % 10 === 0) add(`_smtp._tls.${domain}. IN TXT "v=TLSRPTv1; rua=mailto:tlsrpt@${domain}"`);
    if (i % 7 === 0) add(`${domain}. IN TXT "google-site-verification=${i.toString(36).padStart(8, 'x')}"`);
  }
  const rules: BehaviourRule[] = [
    { name: '*.servfail.test', behaviour: { kind: 'servfail' } },
    { name: '*.slow.test', behaviour: { kind: 'delay', ms: SLOW_MS } },
  ];
  return { zone: `${lines.join('\n')}\n`, targets, kinds, rules, mix };
}
