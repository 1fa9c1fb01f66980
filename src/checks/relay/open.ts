// relay/open: no MX relays mail from an outside sender to an outside recipient. An open relay
// is abused for spam within hours and lands on every blocklist; RFC 5321 section 3.9 and
// RFC 2505 section 2 ask servers to refuse relaying for unknown clients. The test tries the
// plain form and the old routing syntaxes (%-hack, quoted local parts, source routes, bang
// paths; see src/probe/relay-forms.ts) and stops at RCPT: DATA is never sent, so nothing is
// relayed. A 2xx to RCPT is agreement to relay. A server that also accepts an obviously
// invalid local recipient accepts every recipient at RCPT and may discard later; the finding
// says so, but accepting an outside recipient is still the open door spammers look for.
// The forms are spread over short sessions that stay under the server's error limits
// (src/probe/relay-limits.ts), and a form counts only when the server judged it
// (src/probe/relay-test.ts): the recipient forms use a sender the server accepted, so a
// refused test sender cannot pass for a refused relay.
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
    'After EHLO (over TLS when it works), tries an outside recipient in 16 forms: four senders (null, outside, forged at the server\'s name, at its address literal), then the routing syntaxes (%-hack, quoted, doubled @, source route, bang path) in RCPT from a sender the server accepted; RSET between transactions, RCPTs pipelined when PIPELINING is offered, spread over short sequential sessions that stay under the server\'s error limits (Postfix soft error limit, Exim protocol errors, Sendmail bad-recipient throttle); never sends DATA. ' +
    'fail: some form got a 2xx answer to RCPT (the finding adds "accepts all, may discard" when an invalid local recipient is accepted too). ' +
    'pass: every form was judged and refused: RCPT answered 5xx or a relay refusal with a temporary code (Postfix\'s "454 4.7.1 Relay access denied"), or, for a sender form, that sender refused at MAIL; or authentication is required (530). ' +
    'error: the server could not be reached, answered only temporarily (greylisting), accepted none of the test senders, or ended the sessions before every form was judged. ' +
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
          const temporary = r.tries.find((t) => t.rcpt !== null && t.rcpt.code >= 400 && t.rcpt.code < 500);
          const atMail = r.tries.filter((t) => t.rcpt === null);
          const sessions = r.sessions > 1 ? ` in ${r.sessions} sessions` : '';
          ctx.note(`${subject}: refused all ${plural(r.tries.length, 'relay form')} ${over}${sessions} (e.g. ${formatReply(example.reply)})` +
            (atMail.length > 0 ? `; ${atMail.map((t) => `${t.form} refused at MAIL FROM:<${t.mailFrom}> (${formatReply(t.mail)})`).join(', ')}` : '') +
            (temporary ? `; "${formatReply(temporary.rcpt)}" is a relay refusal with a temporary code (Postfix's defer_unauth_destination): retrying never makes it relay` : ''));
          break;
        }
        case 'auth-required': {
          const last = r.tries.at(-1)!;
          const answer = last.mail !== null && last.mail.code >= 500 ? last.mail : last.rcpt;
          ctx.note(`${subject}: requires authentication before relaying (${formatReply(answer)})`);
          break;
        }
        case 'deferred': {
          const deferred = r.tries.filter((t) => t.outcome === 'deferred');
          ctx.undetermined(subject, deferralReason(deferred, remediationFor('relay-refuse-permanently', mtaOf(p))));
          break;
        }
        case 'incomplete': {
          const judged = r.tries.filter((t) => t.outcome === 'refused' || t.outcome === 'deferred');
          const untested = r.tries.filter((t) => t.outcome === 'untested');
          const noSender = untested.find((t) => t.untested?.startsWith('the server accepted none of the test senders'));
          const parts = [
            `${judged.length} of ${r.tries.length + r.untried.length} relay forms judged (none accepted)`,
            ...(noSender ? [`${untested.length} not tested: ${noSender.untested} (give an outside sender whose domain exists with --relay-from)`]
              : untested.length > 0 ? [`${untested.length} not tested: ${untested.map((t) => `${t.form} (${t.untested})`).join('; ')}`] : []),
            ...(r.untried.length > 0 ? [`${r.untried.length} never tried: the sessions ended (${r.error?.message ?? 'connection lost'})`] : []),
          ];
          ctx.undetermined(subject, parts.join('; '));
          break;
        }
      }
    }
  },
});
