// dmarc/pct: the policy applies to all failing mail. RFC 7489 6.3 pct: the percentage of
// messages the policy is applied to (default 100); with pct below 100 the rest are treated one
// level lower (6.6.4), so part of the spoofed mail gets through. RFC 9989 removes pct (4.7,
// Appendix C.5.2) and replaces it with t=y, which asks receivers to apply the policy one level
// lower for all mail (4.7 "t"): both mean the policy is not fully in force.
import { defineCheck } from '../../core/check.ts';
import { appliedPolicy, describeSource } from '../../dmarc/applied-policy.ts';

export default defineCheck({
  id: 'dmarc/pct',
  area: 'dmarc',
  titles: {
    pass: 'The DMARC policy applies to all failing mail',
    warn: 'The DMARC policy applies to only part of the failing mail',
    error: 'Could not tell how much mail the DMARC policy covers',
  },
  description:
    'Reads pct (RFC 7489 section 6.3) and t (RFC 9989 section 4.7) of the record that applies. ' +
    'warn: pct is below 100, or t=y (test mode: the policy is applied one level lower). ' +
    'pass: pct is 100 or absent and t is not y. skipped: no DMARC record applies.',
  reference: 'RFC 7489 sections 6.3 and 6.6.4; RFC 9989 section 4.7',
  targets: ['domain'],
  facts: ['dmarc'],
  run(ctx) {
    const dmarc = ctx.fact('dmarc');
    const applied = appliedPolicy(dmarc);
    if (!applied) return ctx.skip('no DMARC record applies (see dmarc/present)');
    const subject = `_dmarc.${applied.domain}`;
    const evidence = [`${subject}: ${applied.raw}`];
    const noEffect = applied.policy === 'none' || applied.policy === null
      ? ' (with a policy of none it changes nothing yet, but it will once the policy is raised)' : '';
    if (applied.pct < 100) {
      ctx.add('warn', 'below-100', {
        subject,
        message: `pct=${applied.pct} in ${describeSource(applied)} applies the policy to only ${applied.pct}% of failing mail; RFC 7489 receivers treat the rest one level lower${noEffect}.`,
        remediation: 'Remove pct= (the default is 100) once reports show your own mail passing; RFC 9989 drops the tag.',
        evidence,
      });
    }
    if (applied.testMode) {
      ctx.add('warn', 'test-mode', {
        subject,
        message: `t=y in ${describeSource(applied)} puts the policy in test mode: RFC 9989 receivers apply it one level lower (reject as quarantine, quarantine as none)${noEffect}.`,
        remediation: 'Remove t=y (or set t=n) when testing is over.',
        evidence,
      });
    }
    if (applied.pct === 100 && !applied.testMode) ctx.note(`The policy applies to all failing mail (${applied.record.pct === null ? 'pct absent, default 100' : 'pct=100'}).`);
  },
});
