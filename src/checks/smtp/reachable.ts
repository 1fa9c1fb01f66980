// smtp/reachable: every MX address accepts a connection on the SMTP port and greets with 220
// (RFC 5321 section 3.1 and 4.3.1). Mail for the domain goes to these addresses; one that does
// not answer delays mail (senders retry, RFC 5321 4.5.4.1), one that refuses bounces it.
// Unknown is kept apart from broken: a refused or timed-out connection, a 421 greeting (busy,
// rate limited) or a connection closed early say nothing certain about the server seen from
// elsewhere, so they end `error`, and when every connection times out the likely cause is this
// network blocking outbound port 25, which is said so. A 5xx greeting, a greeting that breaks
// the reply syntax, or EHLO and HELO both refused are certain failures.
import { defineCheck } from '../../core/check.ts';
import { formatReply } from '../../probe/facts-of.ts';
import { definitelyBroken, formatTimings, plural, probedAddresses, probeSubject, unreachableReason } from '../../probe/describe.ts';

export default defineCheck({
  id: 'smtp/reachable',
  area: 'smtp',
  titles: {
    pass: 'Every MX address answers with an SMTP greeting',
    fail: 'Some MX addresses refuse SMTP sessions',
    info: 'Some MX addresses gave no greeting to this network',
    error: 'Could not reach every MX address over SMTP',
  },
  description:
    'Connects to every address of every MX host (IPv4 and IPv6) on the SMTP port and waits for the greeting, then sends EHLO (HELO when EHLO is refused). ' +
    'fail: a 5xx greeting, a malformed greeting, or EHLO and HELO both refused. ' +
    'error: connection refused, no route, connect or greeting timeout, a 4xx (temporary) greeting or an early close; when every connection times out, a finding says outbound port 25 is probably blocked from this network. ' +
    'skipped: --no-smtp, a null MX, or no MX address. The notes show each address\'s banner and step timings.',
  reference: 'RFC 5321 sections 3.1 and 4.3.1',
  targets: ['domain', 'ip'],
  facts: ['smtp'],
  run(ctx) {
    const smtp = ctx.fact('smtp');
    const probes = probedAddresses(ctx, smtp);
    if (probes === null) return;
    for (const p of probes) {
      const subject = probeSubject(p);
      if (p.outcome === 'completed') {
        ctx.note(`${subject}: ${formatReply(p.banner)} · ${formatTimings(p.steps)}`);
        continue;
      }
      const reason = unreachableReason(p)!;
      if (definitelyBroken(p)) {
        const greeting = p.outcome === 'greeting-rejected' || p.outcome === 'greeting-malformed';
        ctx.add('fail', p.outcome === 'greeting-rejected' ? 'rejected' : p.outcome === 'greeting-malformed' ? 'malformed-greeting' : 'ehlo-refused', {
          subject,
          message: greeting
            ? `${p.address} ${p.outcome === 'greeting-rejected' ? 'refuses SMTP sessions' : 'sent a greeting that breaks SMTP'}: ${reason}; senders that reach it cannot deliver.`
            : `${p.address} greets with 220 but refuses both EHLO and HELO (${reason}), so no sender can start a mail transaction.`,
          remediation: greeting
            ? 'Make the server greet with "220 <its host name>" (RFC 5321 section 4.3.1); a 554 greeting is only for hosts that accept no mail at all, which must not be an MX.'
            : `Let the server accept EHLO from any client (RFC 5321 section 4.1.1.1); ours announced itself as "${smtp.ehloName}".`,
          evidence: p.transcript.entries.slice(0, 12).map((e) => `+${e.t}ms ${e.dir} ${e.text}`),
        });
        continue;
      }
      ctx.undetermined(subject, reason);
    }

    // Every connection timing out is the signature of a network that blocks outbound port 25.
    const connectTimeouts = probes.filter((p) => p.outcome === 'connect-timeout').length;
    const greetingTimeouts = probes.filter((p) => p.outcome === 'greeting-timeout').length;
    const target = ctx.target.kind === 'domain' ? ctx.target.domain : ctx.target.ip;
    if (connectTimeouts === probes.length) {
      ctx.add('info', 'port-blocked', {
        subject: target,
        message: `Every connection to port ${smtp.port} (${plural(probes.length, 'address', 'addresses')}) timed out: outbound port ${smtp.port} is probably blocked from this network (most home ISPs and many cloud providers block it), so the servers could not be tested; this is not a verdict on them.`,
        remediation: `Run the audit from a host allowed to connect to port ${smtp.port} (a server or a VPS whose provider has unblocked it), or use --no-smtp for the DNS checks only.`,
        evidence: probes.map((p) => `${probeSubject(p)}: ${p.error?.message ?? 'timeout'}`),
      });
    } else if (connectTimeouts + greetingTimeouts === probes.length && greetingTimeouts > 0) {
      ctx.add('info', 'no-greeting', {
        subject: target,
        message: `No server sent a greeting in time (${plural(greetingTimeouts, 'connection')} accepted but silent, ${connectTimeouts} not accepted): either every server delays its greeting longer than we waited, or something on this network intercepts port ${smtp.port}; nothing could be tested.`,
        remediation: `Try again with a longer --greeting-timeout, and from another network if it persists (some ISPs and antivirus products intercept port ${smtp.port}).`,
        evidence: probes.map((p) => `${probeSubject(p)}: ${p.error?.message ?? p.outcome}`),
      });
    }
  },
});
