// spf/all-qualifier: the policy ends by rejecting (-all) or soft-rejecting (~all) everyone it
// does not list. RFC 7208 5.1: "all" matches every sender, so its qualifier is the verdict for
// every host not listed before it; "+all" (or a bare "all") authorizes the whole internet, and
// so does an include of a policy that passes everyone (5.2). "?all" says nothing (neutral,
// 8.2), and a record with neither "all" nor redirect ends in the default result neutral (4.7).
// With redirect and no "all", the target's policy decides (6.1), so the ending is looked up there.
import { defineCheck } from '../../core/check.ts';
import { policyEnding } from '../../spf/inspect-tree.ts';
import type { SpfNode } from '../../spf/spf-types.ts';
import { hasOneRecord } from './record-gate.ts';

function recordOf(node: SpfNode): string {
  return `${node.domain}: ${node.record ?? ''}`;
}

export default defineCheck({
  id: 'spf/all-qualifier',
  area: 'spf',
  titles: {
    pass: 'The SPF policy ends in -all or ~all',
    fail: 'The SPF policy passes any sender',
    warn: 'The SPF policy does not reject unlisted senders',
    error: 'Could not tell how the SPF policy ends',
  },
  description:
    'Finds the term that decides for a sender no other term matches, following redirect when the record has no "all". ' +
    'fail: "+all" (or bare "all"), a "+" term that matches everyone anyway (ip4:0.0.0.0/0, ip6:::/0, exists on a fixed name that resolves), or an include of a policy that passes everyone: every host may send as the domain. ' +
    'warn: "?all", or neither "all" nor redirect (the default result is neutral). pass: "-all" or "~all". ' +
    'skipped: no single SPF record, or a redirect target without a usable record (spf/include-targets). error: a redirect target could not be fetched.',
  reference: 'RFC 7208 sections 5.1 and 4.7',
  targets: ['domain'],
  facts: ['spf'],
  run(ctx) {
    const spf = ctx.fact('spf');
    if (!hasOneRecord(ctx, spf)) return;
    const domain = spf.domain;
    const ending = policyEnding(spf.tree.root);
    const where = ending.node.domain;
    const through = ending.via.length > 0 ? ` (reached through redirect from ${ending.via.join(' -> ')})` : '';

    switch (ending.kind) {
      case 'all': {
        const raw = ending.term.raw;
        if (ending.qualifier === '+') {
          ctx.add('fail', 'pass-all', {
            subject: domain,
            message: `The SPF policy ends in "${raw}" in ${where}${through}: every host on the internet may send mail as ${domain}, so anyone passes SPF and it protects nothing.`,
            remediation: `Replace "${raw}" with "-all" (or "~all" while you check that every real sender is listed).`,
            evidence: [recordOf(ending.node)],
          });
        } else if (ending.qualifier === '?') {
          ctx.add('warn', 'neutral-all', {
            subject: domain,
            message: `The SPF policy ends in "${raw}" in ${where}${through}: hosts it does not list get "neutral", which receivers treat like no policy, so forged mail is not marked.`,
            remediation: `Replace "${raw}" with "~all", and with "-all" once every real sender is listed.`,
            evidence: [recordOf(ending.node)],
          });
        } else if (ending.qualifier === '~') {
          ctx.note(`Ends in "${raw}" in ${where}${through}: hosts not listed get softfail (accepted but marked); "-all" is stricter.`);
        } else {
          ctx.note(`Ends in "${raw}" in ${where}${through}: hosts not listed fail SPF.`);
        }
        return;
      }
      case 'include-passes-everyone':
        ctx.add('fail', 'include-passes-all', {
          subject: domain,
          message: `"${ending.term.raw}" in ${where}${through} includes a policy that passes every sender (through "+all", an ip4/ip6 range with prefix /0, or an exists that always matches), so every host on the internet passes SPF as ${domain} before any "all" is reached.`,
          remediation: `Remove "${ending.term.raw}", or ask whoever runs its target to replace "+all" with their real sending ranges.`,
          evidence: [recordOf(ending.node), ...(ending.term.child !== null ? [recordOf(ending.node.children[ending.term.child]!)] : [])],
        });
        return;
      case 'open-term':
        ctx.add('fail', 'matches-everyone', {
          subject: domain,
          message: `"${ending.term.raw}" in ${where}${through} matches ${ending.senders}, so it works like "+all": anyone passes SPF as ${domain} before the record's end is reached.`,
          remediation: ending.term.name === 'exists'
            ? `Remove "${ending.term.raw}", or make its name depend on the sender (e.g. exists:%{i}._spf.${domain}) as intended.`
            : `Replace "${ending.term.raw}" with the real ranges of your senders.`,
          evidence: [recordOf(ending.node)],
        });
        return;
      case 'default-neutral':
        ctx.add('warn', 'no-all', {
          subject: domain,
          message: `The SPF record of ${where}${through} has neither an "all" mechanism nor a redirect, so a host it does not list gets the default result "neutral" (RFC 7208 section 4.7), which receivers treat like no policy.`,
          remediation: 'End the record with "-all" (or "~all" while you check that every real sender is listed).',
          evidence: [recordOf(ending.node)],
        });
        return;
      case 'redirect-broken': {
        const dns = ending.target.errors.find((e) => e.kind === 'dns-error');
        if (dns) return ctx.undetermined(ending.target.domain, `the redirect target decides the policy, but ${dns.message}`);
        return ctx.skip(`the redirect target ${ending.target.domain} has no usable SPF record, so evaluation ends in permerror (see spf/include-targets)`);
      }
    }
  },
});
