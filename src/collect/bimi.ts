// BIMI facts. Wire steps (draft-brand-indicators-for-message-identification-10 section 7.2):
// 1. TXT at `default._bimi.<domain>` (the "default" selector: an audit has no BIMI-Selector
//    header to read);
// 2. when no record there begins with v=BIMI1, TXT at `default._bimi.<organizational domain>`,
//    the organizational domain being the DMARC one (taken from the dmarc facts).
// It fetches neither the indicator (l=) nor the evidence document (a=): syntax only.
import { defineCollector } from '../core/collector.ts';
import type { LookupFact } from '../core/facts.ts';
import { pslOrganizationalDomain } from '../dmarc/public-suffix.ts';
import { isBimiRecord } from '../parse/bimi-record.ts';
import { txtLookup } from './dmarc.ts';

export interface BimiFacts {
  domain: string;
  selector: 'default';
  /** `default._bimi.<domain>` */
  name: string;
  txt: LookupFact<string>;
  /** the DMARC organizational domain used for the fallback */
  orgDomain: string | null;
  /** the lookup at the organizational domain, when the domain has no record and the two differ */
  fallback: { name: string; txt: LookupFact<string> } | null;
}

declare module '../core/facts.ts' {
  interface FactMap { bimi: BimiFacts }
}

export const bimiCollector = defineCollector({
  key: 'bimi',
  async collect({ target, env, need }): Promise<BimiFacts> {
    if (target.kind !== 'domain') throw new Error('BIMI facts need a domain target');
    const domain = target.domain;
    const name = `default._bimi.${domain}`;
    const [txt, orgDomain] = await Promise.all([
      txtLookup(env.resolver, name),
      need('dmarc').then((d) => d.orgDomain, () => pslOrganizationalDomain(domain)),
    ]);
    let fallback: BimiFacts['fallback'] = null;
    if (!txt.values.some(isBimiRecord) && txt.outcome !== 'error' && orgDomain && orgDomain !== domain) {
      const fallbackName = `default._bimi.${orgDomain}`;
      fallback = { name: fallbackName, txt: await txtLookup(env.resolver, fallbackName) };
    }
    return { domain, selector: 'default', name, txt, orgDomain, fallback };
  },
});
