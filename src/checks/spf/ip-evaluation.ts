// spf/ip-evaluation: every sending IP given with --ip passes SPF for the domain. RFC 7208 4:
// check_host(<ip>, <domain>, <sender>) is what a receiver computes for mail from that address;
// RFC 7208 8 says what each result means: pass authorizes the host; fail and permerror (a
// broken policy) lead receivers to reject or mark the mail; softfail, neutral and none give it
// no protection; temperror is a DNS failure, so nothing is known. The evaluation is mailauth's
// (strict mode) through our resolver, for MAIL FROM postmaster@<domain> and HELO <domain>.
import { defineCheck } from '../../core/check.ts';
import type { CheckHostResult } from '../../spf/check-host.ts';

function evidenceOf(e: CheckHostResult): string[] {
  return [
    ...(e.comment ? [`mailauth: ${e.comment}`] : []),
    ...(e.lookups ? [`lookups ${e.lookups.count} of ${e.lookups.limit}, void lookups ${e.lookups.void}`] : []),
    ...(e.record ? [`record: ${e.record}`] : []),
    ...(e.explanation ? [`explanation published by the domain (exp=): ${e.explanation}`] : []),
    ...(e.header ? [e.header.replace(/\r?\n\s*/g, ' ')] : []),
  ];
}

function mechanismFor(ip: string): string {
  return ip.includes(':') ? `ip6:${ip}` : `ip4:${ip}`;
}

export default defineCheck({
  id: 'spf/ip-evaluation',
  area: 'spf',
  titles: {
    pass: 'Every --ip sending address passes SPF',
    fail: 'Some --ip sending addresses fail SPF',
    warn: 'Some --ip sending addresses are not authorized by SPF',
    info: 'SPF authorizes every --ip sending address',
    error: 'Could not evaluate SPF for every --ip address',
  },
  description:
    'For each address given with --ip, evaluates check_host() as a receiver would (mailauth, strict RFC 7208 mode, MAIL FROM postmaster@<domain>, HELO <domain>). ' +
    'info: pass. warn: softfail, neutral or none (the address is not authorized, or nothing is said). ' +
    'fail: fail, or permerror (the policy is broken for this sender). error: temperror (a DNS failure). skipped: no --ip given.',
  reference: 'RFC 7208 sections 4 and 8',
  targets: ['domain'],
  facts: ['spf'],
  run(ctx) {
    const spf = ctx.fact('spf');
    if (spf.ipEvaluations.length === 0) return ctx.skip('no sending address given (--ip)');
    const domain = spf.domain;
    for (const e of spf.ipEvaluations) {
      const who = e.sender === '' ? `HELO ${e.helo}` : e.sender;
      const evidence = evidenceOf(e);
      switch (e.result) {
        case 'pass':
          ctx.add('info', 'pass', { subject: e.ip, message: `SPF passes for ${e.ip} sending as ${who}: the domain's policy authorizes it.`, evidence });
          break;
        case 'softfail':
        case 'neutral':
          ctx.add('warn', e.result, {
            subject: e.ip,
            message: e.result === 'softfail'
              ? `SPF gives softfail for ${e.ip} sending as ${who}: the policy does not list it, so receivers accept its mail but mark it as suspicious.`
              : `SPF gives neutral for ${e.ip} sending as ${who}: the policy neither authorizes nor rejects it, which receivers treat like no policy.`,
            remediation: `If ${e.ip} sends mail for ${domain}, add "${mechanismFor(e.ip)}" (or the include of the service that sends from it) to the record.`,
            evidence,
          });
          break;
        case 'none':
          ctx.add('warn', 'none', {
            subject: e.ip,
            message: `SPF gives none for ${e.ip} sending as ${who}: no SPF record applies, so its mail has no SPF protection.`,
            remediation: `Publish an SPF record for ${domain} that lists ${e.ip} (see spf/present).`,
            evidence,
          });
          break;
        case 'fail':
          ctx.add('fail', 'fail', {
            subject: e.ip,
            message: `SPF fails for ${e.ip} sending as ${who}: the policy does not authorize it, so receivers may reject its mail.`,
            remediation: `If ${e.ip} sends mail for ${domain}, add "${mechanismFor(e.ip)}" (or the include of the service that sends from it) to the record.`,
            evidence,
          });
          break;
        case 'permerror':
          ctx.add('fail', 'permerror', {
            subject: e.ip,
            message: `SPF gives permerror for ${e.ip} sending as ${who}: the policy cannot be evaluated${e.comment ? ` (${e.comment.replace(/^[^:]*: /, '')})` : ''}, and receivers treat that like a failure.`,
            remediation: 'Fix the policy (see spf/syntax, spf/lookup-limit, spf/void-lookups and spf/include-targets).',
            evidence,
          });
          break;
        case 'temperror':
          ctx.undetermined(e.ip, `SPF evaluation gave temperror: ${e.error ?? e.comment ?? 'a DNS lookup failed'}`);
          break;
      }
    }
    ctx.note(`Evaluated by ${spf.evaluator} for MAIL FROM ${spf.identity.sender || '<>'} and HELO ${spf.identity.helo}.`);
  },
});
