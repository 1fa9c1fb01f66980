// smtp/auth-plaintext: no MX offers AUTH on the plaintext session, before STARTTLS. RFC 4954
// section 4: a server must be configurable not to permit plaintext password mechanisms unless
// the session is protected, and sites should not permit them unprotected. Offered before TLS,
// any client (or a man in the middle that strips STARTTLS, RFC 3207 section 6) can send the
// password in the clear; on an MX, AUTH on port 25 is mostly a target for password guessing.
import { defineCheck } from '../../core/check.ts';
import { formatReply } from '../../probe/facts-of.ts';
import { reachedProbes } from '../../probe/describe.ts';
import { mtaOf } from '../../probe/mta-fingerprint.ts';
import { remediationFor } from '../remediation-by-mta.ts';

// Mechanisms that carry the password itself (base64 is not encryption).
const CLEARTEXT = new Set(['PLAIN', 'LOGIN']);

export default defineCheck({
  id: 'smtp/auth-plaintext',
  area: 'smtp',
  titles: {
    pass: 'No MX offers AUTH before TLS',
    warn: 'Some MX addresses offer AUTH before TLS',
    error: 'Could not see what every MX address offers before TLS',
  },
  description:
    'Reads the EHLO reply of the plaintext session, before STARTTLS. ' +
    'warn: AUTH (or the legacy AUTH= line) is advertised there; the finding says which mechanisms send the password in the clear. ' +
    'error: the server could not be reached far enough to see its EHLO reply. skipped: --no-smtp, no MX address.',
  reference: 'RFC 4954 section 4; RFC 3207 section 6',
  targets: ['domain', 'ip'],
  facts: ['smtp'],
  run(ctx) {
    const smtp = ctx.fact('smtp');
    const probes = reachedProbes(ctx, smtp);
    if (probes === null) return;
    for (const { p, subject } of probes.reached) {
      if (p.ehlo === null) {
        ctx.undetermined(subject, 'no EHLO reply');
        continue;
      }
      const mechanisms = p.ehlo.auth;
      if (mechanisms.length === 0) {
        const after = p.ehloTls?.auth ?? [];
        ctx.note(`${subject}: no AUTH before TLS${after.length > 0 ? ` (after TLS: ${after.join(' ')})` : ''}`);
        continue;
      }
      const cleartext = mechanisms.filter((m) => CLEARTEXT.has(m));
      const tlsNote = p.ehlo.starttls ? '' : ' The server does not even offer STARTTLS, so every login is in the clear.';
      ctx.add('warn', 'offered', {
        subject,
        message: `${p.address} offers AUTH ${mechanisms.join(' ')} before STARTTLS${cleartext.length > 0 ? `; ${cleartext.join(' and ')} send${cleartext.length === 1 ? 's' : ''} the password in the clear` : ''}, and an attacker who strips STARTTLS gets the credentials.${tlsNote}`,
        remediation: remediationFor('auth-after-tls', mtaOf(p)),
        evidence: [`${p.ehlo.command} reply before TLS: ${formatReply(p.ehlo.reply)}`, ...p.ehlo.reply.lines.filter((l) => /^AUTH[ =]/i.test(l)).map((l) => `250 ${l}`)],
      });
    }
  },
});
