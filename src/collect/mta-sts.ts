// MTA-STS facts. Wire steps:
// 1. TXT at `_mta-sts.<domain>` (RFC 8461 3.1);
// 2. when some record there begins with v=STSv1, the policy from
//    https://mta-sts.<domain>/.well-known/mta-sts.txt (RFC 8461 3.3), fetched through the
//    resolver and dialer seams (src/mta-sts/fetch-policy.ts), trusting Node's roots,
//    NODE_EXTRA_CA_CERTS, --ca-file and options.extra.trustedCa;
// 3. the MX host names from the mx fact, to match against the policy's mx patterns (4.1).
// `mode` is the mode a sender would apply (null when there is no usable policy), for other
// areas to read. It judges nothing else: the checks do.
import { defineCollector } from '../core/collector.ts';
import type { LookupFact } from '../core/facts.ts';
import { fetchMtaStsPolicy, type PolicyFetchFact } from '../mta-sts/fetch-policy.ts';
import { policyTrustAnchors } from '../mta-sts/trust-store.ts';
import { isMtaStsTxtRecord, parseMtaStsPolicy, parseMtaStsTxt, type MtaStsMode } from '../parse/mta-sts.ts';
import { txtLookup } from './dmarc.ts';

export interface MtaStsFacts {
  domain: string;
  /** `_mta-sts.<domain>` */
  txtName: string;
  txt: LookupFact<string>;
  /** the TXT records that begin with v=STSv1 (RFC 8461 3.1 discards the rest) */
  records: string[];
  /** the policy fetch, or null when no record begins with v=STSv1 */
  policy: PolicyFetchFact | null;
  /** the mode senders apply: exactly one valid TXT record and a valid policy served correctly; else null */
  mode: MtaStsMode | null;
  /** the MX host names (the implicit MX is the domain itself); null when the mx facts are unavailable */
  mxHosts: string[] | null;
  mxError: string | null;
}

declare module '../core/facts.ts' {
  interface FactMap { mtaSts: MtaStsFacts }
}

export const mtaStsCollector = defineCollector({
  key: 'mtaSts',
  async collect({ target, env, options, need }): Promise<MtaStsFacts> {
    if (target.kind !== 'domain') throw new Error('MTA-STS facts need a domain target');
    const domain = target.domain;
    const txtName = `_mta-sts.${domain}`;
    const mxPromise = need('mx').then(
      (mx) => ({ hosts: mx.hosts.map((h) => h.name), error: null as string | null }),
      (error: unknown) => ({ hosts: null, error: error instanceof Error ? error.message : String(error) }),
    );
    const txt = await txtLookup(env.resolver, txtName);
    const records = txt.values.filter(isMtaStsTxtRecord);
    const [policy, mx] = await Promise.all([
      records.length > 0
        ? fetchMtaStsPolicy({
          domain, resolver: env.resolver, dialer: env.dialer, clock: env.clock,
          timeoutMs: options.timeoutMs, ca: policyTrustAnchors(options.extra, process.env, options.caCertificates ?? []),
        })
        : Promise.resolve(null),
      mxPromise,
    ]);

    let mode: MtaStsMode | null = null;
    const txtValid = records.length === 1 && !parseMtaStsTxt(records[0]!).issues.some((i) => i.severity === 'fail');
    if (txtValid && policy?.outcome === 'ok' && policy.body !== null) {
      const parsed = parseMtaStsPolicy(policy.body);
      if (!parsed.issues.some((i) => i.severity === 'fail')) mode = parsed.mode;
    }
    return { domain, txtName, txt, records, policy, mode, mxHosts: mx.hosts, mxError: mx.error };
  },
});
