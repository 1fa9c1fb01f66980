// dmarc/reporting: the record asks for aggregate reports. RFC 7489 6.3 rua: without it
// receivers send no aggregate reports (RFC 9989 4.7: "MUST NOT generate aggregate feedback
// reports"), and those reports are the only way a domain owner learns which senders fail
// before raising the policy. Only mailto: is a scheme every receiver must support.
import { defineCheck } from '../../core/check.ts';
import { appliedPolicy, describeSource } from '../../dmarc/applied-policy.ts';

export default defineCheck({
  id: 'dmarc/reporting',
  area: 'dmarc',
  titles: {
    pass: 'The DMARC record asks for aggregate reports',
    warn: 'The DMARC record asks for no usable aggregate reports',
    error: 'Could not tell where DMARC reports go',
  },
  description:
    'Reads rua of the record that applies. warn: there is no rua tag, or none of its URIs is valid, or none uses mailto: ' +
    '(the only scheme receivers must support). pass: at least one valid mailto: address; the addresses are noted. ' +
    'skipped: no DMARC record applies.',
  reference: 'RFC 7489 section 6.3 (rua); RFC 9989 section 4.7',
  targets: ['domain'],
  facts: ['dmarc'],
  run(ctx) {
    const dmarc = ctx.fact('dmarc');
    const applied = appliedPolicy(dmarc);
    if (!applied) return ctx.skip('no DMARC record applies (see dmarc/present)');
    const subject = `_dmarc.${applied.domain}`;
    const evidence = [`${subject}: ${applied.raw}`];
    const rua = applied.record.rua;
    const valid = rua.filter((u) => u.valid);
    const mailto = valid.filter((u) => u.scheme === 'mailto');
    const remediation = `Add rua=mailto:dmarc-reports@${applied.domain} (or a report processor's address) to ${subject}.`;
    if (rua.length === 0) {
      ctx.add('warn', 'no-rua', {
        subject,
        message: `${describeSource(applied)} has no rua tag, so receivers send no aggregate reports and failures go unseen.`,
        remediation,
        evidence,
      });
      return;
    }
    if (valid.length === 0) {
      ctx.add('warn', 'no-valid-rua', {
        subject,
        message: `None of the rua URIs (${rua.map((u) => u.raw).join(', ')}) is valid, so receivers send no aggregate reports.`,
        remediation,
        evidence,
      });
      return;
    }
    if (mailto.length === 0) {
      ctx.add('warn', 'no-mailto-rua', {
        subject,
        message: `rua lists only ${valid.map((u) => u.uri).join(', ')}; receivers are only required to support mailto:, so most send no reports.`,
        remediation,
        evidence,
      });
      return;
    }
    ctx.note(`Aggregate reports go to ${valid.map((u) => u.address ?? u.uri).join(', ')}.`);
  },
});
