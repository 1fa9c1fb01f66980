// tls/starttls: every MX address offers STARTTLS and completes a TLS handshake (RFC 3207
// section 4). Without it mail to the domain crosses the Internet readable by anyone on the
// path. Three different failures are told apart, because they have different fixes: STARTTLS
// not offered, STARTTLS refused by the server, and a handshake that fails (often an old TLS
// stack or a broken certificate setup). A server that could not be reached, or that dropped
// the session before STARTTLS could be tried (rate limits, tarpits, 421), is unknown, not
// "no STARTTLS".
import { defineCheck } from '../../core/check.ts';
import { formatReply } from '../../probe/facts-of.ts';
import { describeTls, reachedProbes } from '../../probe/describe.ts';
import { mtaOf } from '../../probe/mta-fingerprint.ts';
import { remediationFor } from '../remediation-by-mta.ts';

export default defineCheck({
  id: 'tls/starttls',
  area: 'tls',
  titles: {
    pass: 'Every MX address offers STARTTLS and completes the handshake',
    fail: 'Some MX addresses cannot be reached over TLS',
    error: 'Could not try STARTTLS on every MX address',
  },
  description:
    'Sends EHLO, then STARTTLS when offered, and completes a TLS handshake with SNI set to the MX host name (certificates are judged by tls/certificate, not here). ' +
    'fail: STARTTLS not offered, refused, or the handshake failed. ' +
    'error: the server could not be reached, or the session ended before STARTTLS could be tried. ' +
    'skipped: --no-smtp, no MX address. The notes show the TLS version, cipher and key exchange.',
  reference: 'RFC 3207 section 4; RFC 8461 section 1',
  targets: ['domain', 'ip'],
  facts: ['smtp'],
  run(ctx) {
    const smtp = ctx.fact('smtp');
    const probes = reachedProbes(ctx, smtp);
    if (probes === null) return;
    for (const { p, subject } of probes.reached) {
      const s = p.starttls;
      const ehloLine = p.ehlo ? `${p.ehlo.command} reply: ${formatReply(p.ehlo.reply)}` : 'no EHLO reply';
      const mta = mtaOf(p);
      const setup = () => remediationFor('starttls-setup', mta, p.hosts[0] ? { name: p.hosts[0] } : {});
      switch (s.outcome) {
        case 'ok':
          ctx.note(`${subject}: ${describeTls(p.tls!)}`);
          break;
        case 'not-offered':
          ctx.add('fail', 'not-offered', {
            subject,
            message: `${p.address} does not offer STARTTLS${p.ehlo?.command === 'HELO' ? ' (it refused EHLO, so it offers no extensions at all)' : ''}: mail to it travels unencrypted.`,
            remediation: setup(),
            evidence: [ehloLine, ...(p.ehlo?.reply.lines.slice(1) ?? []).map((l) => `250 ${l}`)],
          });
          break;
        case 'refused':
          ctx.add('fail', 'refused', {
            subject,
            message: `${p.address} advertises STARTTLS but answered it with ${formatReply(s.reply)}: senders fall back to plaintext.`,
            remediation: `Make the mail server load its certificate and key (the usual cause of a refused STARTTLS), or stop advertising STARTTLS until it works. ${setup()}`,
            evidence: [ehloLine, `STARTTLS -> ${formatReply(s.reply)}`],
          });
          break;
        case 'handshake-failed': {
          const code = s.error?.code ? ` (${s.error.code})` : '';
          const versionHint = /PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL/.test(s.error?.code ?? '')
            ? ' The server seems to speak only TLS versions older than 1.2 (see tls/protocol).' : '';
          ctx.add('fail', 'handshake-failed', {
            subject,
            message: `${p.address} accepted STARTTLS but the TLS handshake failed: ${(s.error?.message ?? 'unknown error').replace(/^TLS handshake failed: /, '')}${code}; senders fall back to plaintext or give up.${versionHint}`,
            remediation: `Check the server's TLS setup: a certificate and matching key, TLS 1.2 or 1.3 enabled, and a cipher list current clients share (see RFC 9325 section 4). ${remediationFor('tls-versions', mta)}`,
            evidence: [ehloLine, `STARTTLS -> ${formatReply(s.reply)}`, `${s.error?.message ?? 'TLS handshake failed'}`],
          });
          break;
        }
        case 'error':
        case 'not-tried':
          ctx.undetermined(subject, `STARTTLS is offered, but the session ended before TLS could be tested: ${s.error ? `${s.error.step}: ${s.error.message}` : p.error?.message ?? 'unknown error'}`);
          break;
      }
    }
  },
});
