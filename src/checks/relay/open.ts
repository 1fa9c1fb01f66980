// relay/open: no MX relays mail from an outside sender to an outside recipient. An open relay
// is abused for spam within hours and lands on every blocklist; RFC 5321 section 3.9 and
// RFC 2505 section 2 ask servers to refuse relaying for unknown clients. The test tries the
// plain form and the old routing syntaxes (%-hack, quoted local parts, source routes, bang
// paths; see src/probe/relay-forms.ts) and stops at RCPT: DATA is never sent, so nothing is
// relayed. A 2xx to RCPT is agreement to relay. A server that also accepts an obviously
// invalid local recipient accepts every recipient at RCPT and may discard later; the finding
// says so, but accepting an outside recipient is still the open door spammers look for.
import { defineCheck } from '../../core/check.ts';
import { formatReply } from '../../probe/facts-of.ts';
import { plural, reachedProbes } from '../../probe/describe.ts';
import { describeTry } from '../../probe/relay-test.ts';
import { mtaOf } from '../../probe/mta-fingerprint.ts';
import { classifyRefusal, type Refusal } from '../../probe/refusal-kind.ts';
import type { RelayTry, ReplyFact } from '../../probe/types.ts';
import { remediationFor } from '../remediation-by-mta.ts';

/** The reply that decided a try (RCPT when it was sent, else MAIL), classified. */
function answerOf(t: RelayTry): { reply: ReplyFact | null; refusal: Refusal | null } {
  return t.rcpt !== null ? { reply: t.rcpt, refusal: classifyRefusal(t.rcpt, 'RCPT') } : { reply: t.mail, refusal: classifyRefusal(t.mail, 'MAIL') };
}

/**
 * Why a server answered the relay test only with 4xx, in words: a relay refusal with a
 * temporary code (Postfix's default defer_unauth_destination: "454 4.7.1 Relay access denied")
 * is not greylisting, and says the server does not relay; anything else (greylisting, rate
 * limits) means "try again later".
 */
function deferralReason(deferred: RelayTry[], remediation: string): string {
  const answers = deferred.map(answerOf);
  const example = formatReply(answers[0]!.reply);
  const forms = deferred.map((t) => t.form).join(', ');
  const kinds = new Set(answers.map((a) => a.refusal?.kind ?? 'other'));
  if (kinds.size === 1 && kinds.has('relay-denied')) {
    return `relaying was refused, but only with a temporary code to ${forms} (${example}: a relay refusal, not greylisting), so the refusal is not final and senders retry it. ${remediation}`;
  }
  return `only temporary (4xx) answers to ${forms} (${example}): greylisting or rate limiting; try again later`;
}

export default defineCheck({
  id: 'relay/open',
  area: 'relay',
  titles: {
    pass: 'No MX relays mail for outside senders',
    fail: 'An MX is an open relay',
    error: 'Could not run the open-relay test on every MX address',
  },
  description:
    'After EHLO (over TLS when it works), tries MAIL FROM an outside address and RCPT TO an outside address in 16 forms (plain, %-hack, quoted, source route, bang path, address literal...), with RSET between tries, pipelined when PIPELINING is offered; never sends DATA. ' +
    'fail: some form got a 2xx answer to RCPT (the finding adds "accepts all, may discard" when an invalid local recipient is accepted too). ' +
    'pass: every form was refused (5xx), or authentication is required (530). ' +
    'error: the server could not be reached, or answered only with temporary (4xx) replies, or the session ended before the forms were tried. ' +
    'skipped: --no-relay, --no-smtp, no MX address.',
  reference: 'RFC 5321 section 3.9; RFC 2505 section 2',
  targets: ['domain', 'ip'],
  facts: ['smtp'],
  run(ctx) {
    const smtp = ctx.fact('smtp');
    if (smtp.skipped === null && !smtp.relayEnabled) return ctx.skip('the open-relay test is disabled (--no-relay)');
    const probes = reachedProbes(ctx, smtp);
    if (probes === null) return;
    const domain = ctx.target.kind === 'domain' ? ctx.target.domain : undefined;
    for (const { p, subject } of probes.reached) {
      const r = p.relay;
      if (r === null) {
        ctx.undetermined(subject, p.relayNotRun ?? 'the relay test did not run');
        continue;
      }
      const over = r.over === 'tls' ? 'over TLS' : 'in plaintext';
      switch (r.verdict) {
        case 'open': {
          const accepted = r.tries.filter((t) => t.accepted);
          const all = r.acceptsAll?.accepted === true;
          ctx.add('fail', all ? 'open-accepts-all' : 'open', {
            subject,
            message: `${p.address} agreed to relay mail from ${r.from} to ${r.to} (both outside the domain) in ${accepted.length} of ${r.tries.length} forms (${accepted.map((t) => t.form).join(', ')}): anyone can send mail through it.` +
              (all ? ` It also accepted the invalid local recipient ${r.acceptsAll!.recipient}, so it accepts every recipient at RCPT ("accepts all, may discard"): it may drop or bounce later, but spammers only need the 250.` : ''),
            remediation: remediationFor('relay-closed', mtaOf(p), domain ? { domain } : {}),
            evidence: [
              ...accepted.map(describeTry),
              ...(r.acceptsAll ? [`accept-all check: RCPT TO:<${r.acceptsAll.recipient}> -> ${formatReply(r.acceptsAll.reply)}`] : []),
              `tested ${over}${r.pipelined ? ', pipelined' : ''}; DATA was never sent`,
            ],
          });
          break;
        }
        case 'closed': {
          // the example is a relay refusal when there is one: that is what "closed" rests on
          const answers = r.tries.map(answerOf);
          const example = answers.find((a) => a.refusal?.kind === 'relay-denied') ?? answers[0]!;
          ctx.note(`${subject}: refused all ${plural(r.tries.length, 'relay form')} ${over} (e.g. ${formatReply(example.reply)})`);
          break;
        }
        case 'auth-required': {
          const last = r.tries.at(-1)!;
          const answer = last.mail !== null && last.mail.code >= 500 ? last.mail : last.rcpt;
          ctx.note(`${subject}: requires authentication before relaying (${formatReply(answer)})`);
          break;
        }
        case 'deferred': {
          const deferred = r.tries.filter((t) => !((t.mail?.code ?? 0) >= 500 || (t.rcpt?.code ?? 0) >= 500));
          ctx.undetermined(subject, deferralReason(deferred, remediationFor('relay-refuse-permanently', mtaOf(p))));
          break;
        }
        case 'incomplete':
          ctx.undetermined(subject, `the session ended before every relay form was tried (${r.tries.length} tried, ${r.untried.length} not: ${r.error?.message ?? 'connection lost'})`);
          break;
      }
    }
  },
});
