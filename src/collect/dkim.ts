// DKIM key facts. Wire steps:
// 1. the domain's TXT records (its SPF record names the senders through include:/redirect=,
//    RFC 7208 5.2/6.1) and its MX hosts (the mx fact), to infer providers from
//    data/dkim-selectors.json and try their selectors first;
// 2. TXT at `<random>._domainkey.<domain>`, a selector nobody uses: an answer there means a
//    wildcard under _domainkey, and identical answers elsewhere are that wildcard, not keys;
// 3. TXT at `<selector>._domainkey.<domain>` (RFC 6376 3.6.2.1) for every --selector, every
//    inferred selector, every catalogue selector and the generic names, concurrently and from
//    the start (steps 1 and 2 only label and order them; the resolver caches and de-duplicates),
//    keeping the CNAME chain the resolver followed.
// It keeps the raw records; the checks parse them (src/parse/dkim-key-record.ts). It does not
// verify signatures: that needs a message (`smtp-audit inspect`).
import { randomBytes } from 'node:crypto';
import { defineCollector } from '../core/collector.ts';
import type { LookupFact } from '../core/facts.ts';
import {
  inferProviders, loadSelectorCatalog, providerOfCname, spfIncludeTargets,
} from '../dkim/selector-catalog.ts';
import type { DnsResolver } from '../net/dns/types.ts';
import { mapPool } from '../util/pool.ts';
import { txtLookup } from './dmarc.ts';

export interface DkimSelectorLookup {
  selector: string;
  /** `<selector>._domainkey.<domain>` */
  name: string;
  /** why it was tried: "given", "inferred from MX ...", "catalogue: <provider>", "generic" */
  sources: string[];
  /** TXT records, the strings of each record concatenated (RFC 6376 3.6.2.2) */
  txt: LookupFact<string>;
  /** the answer equals the random probe's: a _domainkey wildcard, not a key at this selector */
  wildcard: boolean;
  /** the provider whose infrastructure the CNAME chain ends in, if recognised */
  provider: string | null;
}

export interface DkimFacts {
  domain: string;
  /** --selector values */
  given: string[];
  /** providers inferred from MX hosts and SPF includes */
  inferred: Array<{ provider: string; reason: string; selectors: string[]; note?: string }>;
  /** every selector tried, in the order tried */
  tried: string[];
  /** the random selector asked first, and its answer */
  probe: { selector: string; name: string; txt: LookupFact<string> };
  /** the probe returned TXT records: `*._domainkey` answers every selector */
  wildcard: boolean;
  /** the given selectors, and every other selector whose lookup returned records, a CNAME or an error */
  lookups: DkimSelectorLookup[];
  /** how many discovered selectors returned NXDOMAIN or NODATA */
  absent: number;
}

declare module '../core/facts.ts' {
  interface FactMap { dkim: DkimFacts }
}

/**
 * How many selector lookups are in flight at once: the whole catalogue (some 50 names) in one
 * round trip to a recursive resolver, while a --selector list of hundreds still comes in waves.
 */
const DISCOVERY_CONCURRENCY = 64;

async function spfTargets(resolver: DnsResolver, domain: string): Promise<string[]> {
  const txt = await txtLookup(resolver, domain);
  return txt.values.filter((t) => /^v=spf1(\s|$)/i.test(t)).flatMap(spfIncludeTargets);
}

export const dkimCollector = defineCollector({
  key: 'dkim',
  async collect({ target, env, options, need }): Promise<DkimFacts> {
    if (target.kind !== 'domain') throw new Error('DKIM facts need a domain target');
    const domain = target.domain;
    const resolver = env.resolver;
    const catalog = loadSelectorCatalog();
    const probeSelector = `smtp-audit-probe-${randomBytes(6).toString('hex')}`;
    const probeName = `${probeSelector}._domainkey.${domain}`;

    // Every selector that will be tried is known now (inferred providers are catalogue
    // providers), so the lookups start at once; the MX hosts and SPF includes only decide why
    // a selector was tried and in which order it is listed. Waiting for them (the mx fact
    // includes the MX hosts' addresses) cost two round trips of a single audit.
    const given = options.selectors.map((s) => s.toLowerCase());
    const everySelector = [...new Set([...given, ...catalog.providers.flatMap((p) => p.selectors.map((s) => s.toLowerCase())), ...catalog.generic.map((s) => s.toLowerCase())])];
    const lookups = mapPool(everySelector, DISCOVERY_CONCURRENCY, (selector) => txtLookup(resolver, `${selector}._domainkey.${domain}`))
      .then((facts) => new Map(everySelector.map((selector, i) => [selector, facts[i]!])));
    const mxHosts = need('mx').then((mx) => mx.hosts.map((h) => h.name), () => [] as string[]);
    const [hosts, includes, probeTxt, txtBySelector] = await Promise.all([mxHosts, spfTargets(resolver, domain), txtLookup(resolver, probeName), lookups]);

    const sources = new Map<string, string[]>();
    const addSelector = (selector: string, source: string): void => {
      const key = selector.toLowerCase();
      const list = sources.get(key) ?? [];
      if (!list.includes(source)) list.push(source);
      sources.set(key, list);
    };
    for (const s of given) addSelector(s, 'given');
    const inferred = inferProviders(catalog, hosts, includes).map(({ provider, reason }) => {
      for (const s of provider.selectors) addSelector(s, `inferred: ${provider.name} (${reason})`);
      return { provider: provider.name, reason, selectors: provider.selectors, ...(provider.noteIfInferred ? { note: provider.noteIfInferred } : {}) };
    });
    for (const provider of catalog.providers) for (const s of provider.selectors) addSelector(s, `catalogue: ${provider.name}`);
    for (const s of catalog.generic) addSelector(s, 'generic');

    const tried = [...sources.keys()];
    const wildcard = probeTxt.outcome === 'ok' && probeTxt.values.length > 0;
    const probeKey = [...probeTxt.values].sort().join('\n');
    const answers = tried.map((selector): DkimSelectorLookup => {
      const name = `${selector}._domainkey.${domain}`;
      const txt = txtBySelector.get(selector)!;
      const isWildcard = wildcard && txt.outcome === 'ok' && [...txt.values].sort().join('\n') === probeKey;
      const provider = txt.cnames ? providerOfCname(catalog, txt.cnames) : null;
      return { selector, name, sources: sources.get(selector)!, txt, wildcard: isWildcard, provider: provider?.name ?? null };
    });

    const interesting = (l: DkimSelectorLookup): boolean =>
      l.sources.includes('given') || l.txt.outcome === 'ok' || l.txt.outcome === 'error' || (l.txt.cnames?.length ?? 0) > 0;
    return {
      domain,
      given,
      inferred,
      tried,
      probe: { selector: probeSelector, name: probeName, txt: probeTxt },
      wildcard,
      lookups: answers.filter(interesting),
      absent: answers.filter((l) => !interesting(l)).length,
    };
  },
});
