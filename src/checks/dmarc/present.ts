// dmarc/present: a DMARC record applies to the domain, published at `_dmarc.<domain>` or
// inherited from its Organizational Domain (or a Public Suffix Domain). Without one, receivers
// apply no DMARC to mail using the domain, so anyone can put it in From: (RFC 7489 6.6.3;
// RFC 9989 4.10.1: "Mail Receivers MUST NOT apply the DMARC mechanism"). Several records at the
// domain end discovery under RFC 7489 6.6.3 step 5 ("DMARC processing is not applied") and are
// discarded under RFC 9989 4.10 step 2, so they count as no record of the domain's own.
import { defineCheck } from '../../core/check.ts';
import { describeLookupError } from '../../core/facts.ts';
import { appliedPolicy, describeSource } from '../../dmarc/applied-policy.ts';
import { looksLikeDmarc } from '../../dmarc/tree-walk.ts';
import { isDmarcRecord } from '../../parse/dmarc-record.ts';

const RULES: Record<string, string> = {
  'psd-n': 'a record with psd=n',
  'psd-y': 'a record with psd=y one level up',
  'fewest-labels': 'the record with the fewest labels',
  'walk-start': 'no record above the domain',
};

export default defineCheck({
  id: 'dmarc/present',
  area: 'dmarc',
  titles: {
    pass: 'A DMARC record applies to the domain',
    fail: 'No DMARC record applies to the domain',
    info: 'The domain inherits its DMARC record',
    error: 'Could not tell whether a DMARC record applies',
  },
  description:
    'Looks up _dmarc.<domain>, then walks up the tree as RFC 9989 section 4.10 describes (at most 8 queries). ' +
    'pass: the domain publishes one DMARC record. info: it has none of its own and inherits the record of its ' +
    'organizational domain (or of a public suffix domain with psd=y), noted in the finding. ' +
    'fail: no DMARC record applies, or the domain publishes several (RFC 7489 section 6.6.3: no DMARC at all). ' +
    'error: a lookup failed and nothing else was found. A note says when the Public Suffix List (RFC 7489 section 3.2) ' +
    'gives a different organizational domain than the tree walk.',
  reference: 'RFC 7489 section 6.6.3; RFC 9989 sections 4.10 and 4.10.1',
  targets: ['domain'],
  facts: ['dmarc'],
  run(ctx) {
    const dmarc = ctx.fact('dmarc');
    const own = dmarc.walk[0]!;
    const subject = own.name;
    const ownRecords = own.txt.values.filter(isDmarcRecord);
    const applied = appliedPolicy(dmarc);

    if (dmarc.pslOrgDomain !== dmarc.orgDomain) {
      ctx.note(`The tree walk (RFC 9989) finds the organizational domain ${dmarc.orgDomain} (${RULES[dmarc.orgDomainRule]}), ` +
        `while the Public Suffix List (RFC 7489) gives ${dmarc.pslOrgDomain ?? 'none'}; receivers of either kind may disagree about which record and alignment apply.`);
    }

    if (ownRecords.length > 1) {
      const fallback = applied ? ` RFC 9989 receivers discard them and use ${describeSource(applied)} instead.` : ' RFC 9989 receivers discard them too, and no other record applies.';
      ctx.add('fail', 'multiple-records', {
        subject,
        message: `${subject} publishes ${ownRecords.length} DMARC records, so RFC 7489 receivers apply no DMARC at all.${fallback}`,
        remediation: `Merge them into one "v=DMARC1; ..." TXT record at ${subject}.`,
        evidence: ownRecords,
      });
      return;
    }
    if (ownRecords.length === 1) {
      ctx.note(`${subject}: ${ownRecords[0]}`);
      return;
    }
    if (own.txt.outcome === 'error') {
      ctx.undetermined(subject, `TXT lookup failed: ${describeLookupError(own.txt)}`);
      return;
    }
    if (applied) {
      const value = applied.record[applied.tag];
      const which = applied.tag === 'p' ? 'p tag' : applied.tag === 'sp' ? 'sp tag (for existing subdomains)' : 'np tag (for non-existent subdomains)';
      ctx.add('info', 'inherited', {
        subject,
        message: `${dmarc.domain} publishes no DMARC record of its own and inherits the one at _dmarc.${applied.domain} ` +
          `(the ${applied.source === 'public-suffix-domain' ? 'public suffix domain' : 'organizational domain'}), whose ${which} applies: ${value ?? 'absent'}.`,
        remediation: `Publish a record at ${subject} if ${dmarc.domain} needs a policy or reporting of its own.`,
        evidence: [`_dmarc.${applied.domain}: ${applied.raw}`],
      });
      return;
    }
    const failed = dmarc.walk.filter((step) => step.txt.outcome === 'error');
    if (failed.length > 0) {
      ctx.undetermined(subject, `no DMARC record found, but ${failed.map((s) => `${s.name} (${describeLookupError(s.txt)})`).join(', ')} could not be looked up`);
      return;
    }
    const nearMiss = own.txt.values.filter(looksLikeDmarc);
    ctx.add('fail', 'missing', {
      subject,
      message: nearMiss.length > 0
        ? `${subject} has a TXT record that mentions DMARC but does not start with "v=DMARC1", so receivers discard it; no other DMARC record applies to ${dmarc.domain}.`
        : `No DMARC record applies to ${dmarc.domain}: ${dmarc.walk.map((s) => s.name).join(', ')} have none, so receivers apply no DMARC policy and anyone can send as this domain.`,
      remediation: `Publish a TXT record at ${subject} such as "v=DMARC1; p=none; rua=mailto:dmarc-reports@${dmarc.domain}", then move to p=quarantine or p=reject once the reports look clean.`,
      evidence: nearMiss.length > 0 ? nearMiss : dmarc.walk.map((s) => `${s.name}: ${s.txt.outcome.toUpperCase()}`),
    });
  },
});
