// spf/include-targets: every include and redirect target exists, publishes exactly one SPF
// record and leads to no loop. RFC 7208 5.2: an include whose target has no SPF record (check_host
// returns "none") is permerror, and so is one whose evaluation is permerror (several records,
// 4.5); 6.1: the same for redirect. A target that includes a record already being evaluated
// repeats until the lookup limit (4.6.4) and never gives an answer: a loop. A DNS failure on
// the way (timeout, SERVFAIL) is a temperror (4.4, 5.2): nothing is known about that target,
// so the check ends error for it, not fail.
import { defineCheck } from '../../core/check.ts';
import { describeArrival, describePath, spfNodes } from '../../spf/inspect-tree.ts';
import type { SpfNode } from '../../spf/spf-types.ts';
import { hasOneRecord } from './record-gate.ts';

function section(node: SpfNode): string {
  return node.via === 'redirect' ? 'RFC 7208 section 6.1' : 'RFC 7208 section 5.2';
}

function removeAdvice(node: SpfNode): string {
  return `Correct "${node.viaTerm}" (providers document the name to include, often _spf.<provider>), or remove it if that service no longer sends your mail.`;
}

export default defineCheck({
  id: 'spf/include-targets',
  area: 'spf',
  titles: {
    pass: 'Every include and redirect target has one SPF record',
    fail: 'Some include or redirect targets are broken',
    warn: 'Some include or redirect targets need attention',
    error: 'Could not look up every include and redirect target',
  },
  description:
    'Follows every include and redirect of the policy, to any depth. ' +
    'fail: a target does not exist, has no SPF record or several, is not a valid domain name, or leads back to a record already being evaluated (a loop); receivers return permerror. ' +
    'warn: the tree is deeper than 20 levels or larger than 200 records and was not expanded further. ' +
    'error: a target\'s TXT lookup failed (timeout, SERVFAIL): temperror, not a verdict. ' +
    'skipped: no single SPF record, or no include or redirect in it.',
  reference: 'RFC 7208 sections 5.2 and 6.1',
  targets: ['domain'],
  facts: ['spf'],
  run(ctx) {
    const spf = ctx.fact('spf');
    if (!hasOneRecord(ctx, spf)) return;
    const nodes = [...spfNodes(spf.tree.root)];
    const good: string[] = [];
    const unknowable: string[] = [];
    let targets = 0;

    for (const node of nodes) {
      // Include/redirect terms whose target cannot be a DNS name, or depends on the sender.
      for (const term of node.terms) {
        if (!term.reached || (term.name !== 'include' && term.name !== 'redirect')) continue;
        if (term.targetStatus === 'invalid-name') {
          targets += 1;
          ctx.add('fail', 'invalid-target', {
            subject: node.domain,
            message: `"${term.raw}" in ${node.domain} names a target that is not a valid domain name, so receivers return permerror: ${term.notExpandable ?? ''}`.trim(),
            remediation: `Correct the domain in "${term.raw}".`,
            evidence: [node.record ?? ''],
          });
        } else if (term.targetStatus === 'not-expandable') {
          targets += 1;
          unknowable.push(`"${term.raw}" in ${node.domain}`);
        }
      }
      if (node.via === 'root') continue;
      targets += 1;
      const arrival = describeArrival(node);
      const kind = (k: string) => node.errors.find((e) => e.kind === k && e.termIndex === null);
      const loop = kind('loop');
      const dns = kind('dns-error');
      const missing = kind('no-record');
      const several = kind('multiple-records');
      const invalid = kind('invalid-target');
      const capped = kind('safety-cap');
      if (loop) {
        ctx.add('fail', 'loop', {
          subject: node.domain,
          message: `${arrival} leads back to ${node.domain}, which is already being evaluated on this branch: evaluation would repeat until the lookup limit, so receivers return permerror.`,
          remediation: `Remove "${node.viaTerm}" from ${node.path[node.path.length - 2]?.domain ?? node.domain}; a policy must not include itself, directly or through others.`,
          evidence: [describePath(node.path), loop.message],
        });
      } else if (dns) {
        ctx.undetermined(node.domain, `${arrival}: ${dns.message}`);
      } else if (missing) {
        const outcome = node.txtQuery?.outcome;
        const why = outcome === 'nxdomain' ? 'does not exist (NXDOMAIN)'
          : outcome === 'nodata' ? 'has no TXT records'
            : `has ${node.txtRecords.length} TXT record(s) but no SPF record`;
        ctx.add('fail', 'no-record', {
          subject: node.domain,
          message: `${arrival} points at ${node.domain}, which ${why}; receivers return permerror for the whole policy (${section(node)}).`,
          remediation: removeAdvice(node),
          evidence: [`TXT ${node.domain}: ${outcome === 'ok' ? node.txtRecords.map((t) => JSON.stringify(t)).join(' ') : (outcome ?? 'not asked').toUpperCase()}`, describePath(node.path)],
        });
      } else if (several) {
        ctx.add('fail', 'multiple-records', {
          subject: node.domain,
          message: `${arrival} points at ${node.domain}, which publishes ${node.spfRecords.length} SPF records; that is permerror (RFC 7208 section 4.5), and so is the whole policy.`,
          remediation: `Whoever runs ${node.domain} must merge its SPF records into one; until then, list the ranges you need in your own record instead of "${node.viaTerm}".`,
          evidence: node.spfRecords.map((r, i) => `record ${i + 1}: ${r}`),
        });
      } else if (invalid) {
        ctx.add('fail', 'invalid-target', {
          subject: node.domain,
          message: `${arrival} names ${node.domain}, which is not a valid DNS name; receivers return permerror (${section(node)}).`,
          remediation: removeAdvice(node),
          evidence: [invalid.message],
        });
      } else if (capped) {
        ctx.add('warn', 'too-deep', {
          subject: node.domain,
          message: `${arrival} was not followed (${capped.message.replace(/\.$/, '')}): the policy is far deeper or larger than any receiver evaluates.`,
          remediation: 'Flatten the include chain.',
          evidence: [describePath(node.path)],
        });
      } else if (node.record !== null) {
        good.push(node.domain);
      }
    }

    if (targets === 0) return ctx.skip('the SPF record has no include or redirect');
    if (good.length > 0) ctx.note(`${good.length} include/redirect target${good.length === 1 ? '' : 's'} with one SPF record each: ${[...new Set(good)].join(', ')}.`);
    if (unknowable.length > 0) ctx.note(`Not checked, because the target depends on the sender (a macro): ${unknowable.join(', ')}.`);
  },
});
