// TLS-RPT facts. Wire step: TXT at `_smtp._tls.<domain>` (RFC 8460 section 3). Nothing else:
// the record is judged by tls-rpt/present, and reports themselves are the senders' business.
import { defineCollector } from '../core/collector.ts';
import type { LookupFact } from '../core/facts.ts';
import { txtLookup } from './dmarc.ts';

export interface TlsRptFacts {
  domain: string;
  /** `_smtp._tls.<domain>` */
  name: string;
  txt: LookupFact<string>;
}

declare module '../core/facts.ts' {
  interface FactMap { tlsRpt: TlsRptFacts }
}

export const tlsRptCollector = defineCollector({
  key: 'tlsRpt',
  async collect({ target, env }): Promise<TlsRptFacts> {
    if (target.kind !== 'domain') throw new Error('TLS-RPT facts need a domain target');
    const name = `_smtp._tls.${target.domain}`;
    return { domain: target.domain, name, txt: await txtLookup(env.resolver, name) };
  },
});
