// dmarc/policy: the DMARC policy that applies to the domain asks receivers to quarantine or
// reject mail that fails DMARC. p=none only asks for reports (RFC 7489 6.3 "The Domain Owner
// requests no specific action be taken"), so spoofed mail is still delivered. The tag that
// decides follows RFC 9989 4.10.1: p for the domain's own record; for an inherited record sp
// (existing subdomain) or np (non-existent subdomain, RFC 9989 4.7 / RFC 9091), falling back to
// p. A weaker sp or np under a strict p leaves every subdomain open to spoofing.
import { defineCheck } from '../../core/check.ts';
import { appliedPolicy, describeSource, isEnforcing, stronger } from '../../dmarc/applied-policy.ts';

export default defineCheck({
  id: 'dmarc/policy',
  area: 'dmarc',
  titles: {
    pass: 'The DMARC policy quarantines or rejects failing mail',
    warn: 'The DMARC policy does not stop spoofed mail',
    error: 'Could not tell which DMARC policy applies',
  },
  description:
    'Reads the disposition that applies to the domain: p of its own record, or sp (np when the domain does not exist) of ' +
    'an inherited record, which is noted. warn: the policy is none, the record is invalid enough that receivers read ' +
    'it as none or ignore it, or the domain\'s own record sets sp=none or np=none under a stronger p. ' +
    'pass: quarantine or reject. skipped: no DMARC record applies (dmarc/present fails).',
  reference: 'RFC 7489 section 6.3; RFC 9989 sections 4.7 and 4.10.1',
  targets: ['domain'],
  facts: ['dmarc'],
  run(ctx) {
    const dmarc = ctx.fact('dmarc');
    const applied = appliedPolicy(dmarc);
    if (!applied) return ctx.skip('no DMARC record applies (see dmarc/present)');
    const subject = `_dmarc.${applied.domain}`;
    const evidence = [`${subject}: ${applied.raw}`];
    const where = describeSource(applied);
    if (applied.inherited) {
      const exists = dmarc.domainExists === false ? 'does not exist (no A, AAAA or MX), so np applies before sp and p' : 'exists, so sp applies before p';
      ctx.note(`The policy is inherited from ${subject}; ${dmarc.domain} ${exists}; the deciding tag is ${applied.tag}.`);
    }

    if (applied.fallback === 'invalid-policy-not-applied') {
      ctx.add('warn', 'not-applied', {
        subject,
        message: `The record at ${where} has no valid policy tag and no valid rua, so receivers apply no DMARC processing to ${dmarc.domain} at all.`,
        remediation: 'Give the record a valid p= (quarantine or reject); see dmarc/syntax for the errors.',
        evidence,
      });
      return;
    }
    if (applied.fallback === 'invalid-policy-read-as-none') {
      ctx.add('warn', 'read-as-none', {
        subject,
        message: `The record at ${where} has an invalid or missing policy tag, so receivers act as if it said p=none and deliver mail that fails DMARC.`,
        remediation: 'Fix the p=, sp= and np= values (none, quarantine or reject); see dmarc/syntax.',
        evidence,
      });
      return;
    }

    const policy = applied.policy!;
    if (!isEnforcing(policy)) {
      const tagText = applied.tag === 'p' ? 'p=none' : `${applied.tag}=none`;
      ctx.add('warn', applied.tag === 'p' ? 'p-none' : `${applied.tag}-none`, {
        subject,
        message: applied.inherited
          ? `${dmarc.domain} inherits ${tagText} from ${subject}: receivers only report on mail that fails DMARC and deliver it anyway.`
          : `The policy is p=none (monitoring only): receivers report on mail that fails DMARC but still deliver it, so the domain can be spoofed.`,
        remediation: `Once the aggregate reports show your own mail passing, change ${subject} to ${applied.tag}=quarantine, then ${applied.tag}=reject.`,
        evidence,
      });
    } else {
      ctx.note(`${applied.tag}=${policy} applies to ${dmarc.domain}, from ${where}.`);
    }

    if (!applied.inherited) {
      const p = applied.record.p;
      for (const tag of ['sp', 'np'] as const) {
        const value = applied.record[tag];
        if (p === null || value === null || !stronger(p, value) || value !== 'none') continue;
        ctx.add('warn', `${tag}-none`, {
          subject,
          message: tag === 'sp'
            ? `The record sets p=${p} but sp=none, so every existing subdomain of ${dmarc.domain} can be spoofed without consequence.`
            : `The record sets p=${p} but np=none, so mail from made-up subdomains of ${dmarc.domain} is delivered.`,
          remediation: `Remove ${tag}= (it then follows ${tag === 'np' && applied.record.sp !== null ? 'sp' : 'p'}) or set it to quarantine or reject.`,
          evidence,
        });
      }
    }
  },
});
