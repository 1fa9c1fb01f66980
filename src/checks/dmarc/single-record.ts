// dmarc/single-record: no name in the DMARC discovery path publishes more than one DMARC record.
// RFC 7489 6.6.3 step 5: "If the remaining set contains multiple records or no records, policy
// discovery terminates and DMARC processing is not applied to this message." RFC 9989 4.10
// steps 2 and 6 discard every record of such a set, so a duplicate at the organizational domain
// silently removes the policy its subdomains inherit.
import { defineCheck } from '../../core/check.ts';
import { describeLookupError } from '../../core/facts.ts';
import { isDmarcRecord } from '../../parse/dmarc-record.ts';

export default defineCheck({
  id: 'dmarc/single-record',
  area: 'dmarc',
  titles: {
    pass: 'No name publishes more than one DMARC record',
    fail: 'Several DMARC records cancel each other out',
    error: 'Could not tell how many DMARC records are published',
  },
  description:
    'Counts the TXT records starting with v=DMARC1 at _dmarc.<domain> and at every name of the tree walk. ' +
    'fail: some name has more than one, so receivers ignore them all (RFC 7489 section 6.6.3 step 5; RFC 9989 section 4.10 step 2). ' +
    'pass: none has more than one. error: the domain\'s own lookup failed.',
  reference: 'RFC 7489 section 6.6.3; RFC 9989 section 4.10',
  targets: ['domain'],
  facts: ['dmarc'],
  run(ctx) {
    const dmarc = ctx.fact('dmarc');
    const own = dmarc.walk[0]!;
    if (own.txt.outcome === 'error') {
      ctx.undetermined(own.name, `TXT lookup failed: ${describeLookupError(own.txt)}`);
    }
    for (const step of dmarc.walk) {
      const records = step.txt.values.filter(isDmarcRecord);
      if (records.length < 2) continue;
      const isOwn = step === own;
      ctx.add('fail', 'multiple-records', {
        subject: step.name,
        message: isOwn
          ? `${step.name} publishes ${records.length} DMARC records; receivers treat that as no DMARC record at all.`
          : `${step.name} publishes ${records.length} DMARC records, so receivers discard them and ${dmarc.domain} cannot inherit a policy from ${step.domain}.`,
        remediation: `Keep exactly one "v=DMARC1; ..." TXT record at ${step.name}.`,
        evidence: records,
      });
    }
  },
});
