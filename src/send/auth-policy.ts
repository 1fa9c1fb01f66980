// When `send --auth` may put credentials on the wire. AUTH PLAIN and LOGIN carry the password
// in base64, readable by anyone on the path: RFC 4616 section 4 says PLAIN, which has no
// protection of its own, is not to be used without an external security layer such as TLS
// (LOGIN is no better), and RFC 8314 section 3 asks submission clients for TLS. So the password
// goes out only when
//  - the session is encrypted (implicit TLS or a completed STARTTLS), unless the user said
//    --allow-plaintext-auth (a test rig on loopback), and
//  - the server's EHLO reply, on that session, offered AUTH (RFC 4954 section 3) with a
//    mechanism we speak. A server that did not offer AUTH would only refuse the command, after
//    the initial response (with the password) had already been sent.
// Anything else stops the send before the AUTH command: no credentials are sent at all.

/** The SASL mechanisms our client (nodemailer) can run with a user and password, in its order of preference. */
export const PASSWORD_MECHANISMS = ['PLAIN', 'LOGIN', 'CRAM-MD5'] as const;

export interface AuthSituation {
  /** the session is protected by TLS */
  encrypted: boolean;
  /** the mechanisms the last EHLO offered, null when it offered no AUTH */
  offered: string[] | null;
  /** --auth-method, if given */
  requested: 'PLAIN' | 'LOGIN' | null;
  allowPlaintext: boolean;
}

export type AuthDecision =
  | { send: true; method: string }
  | { send: false; code: 'ENOTLS' | 'ENOAUTH' | 'ENOMECH'; message: string };

export function authDecision(s: AuthSituation): AuthDecision {
  if (!s.encrypted && !s.allowPlaintext) {
    return { send: false, code: 'ENOTLS', message: 'not sending the password: the session is not encrypted (no TLS), so AUTH would send it readable to anyone on the path' };
  }
  if (s.offered === null) {
    return { send: false, code: 'ENOAUTH', message: `not sending the password: the server did not offer AUTH in its EHLO reply${s.encrypted ? '' : ' (servers usually offer it only after STARTTLS)'}` };
  }
  if (s.requested) {
    if (s.offered.includes(s.requested)) return { send: true, method: s.requested };
    return { send: false, code: 'ENOMECH', message: `not sending the password: the server offers AUTH ${s.offered.join(' ') || '(no mechanism)'}, not ${s.requested}` };
  }
  const method = PASSWORD_MECHANISMS.find((m) => s.offered!.includes(m));
  if (method) return { send: true, method };
  return { send: false, code: 'ENOMECH', message: `not sending the password: the server offers AUTH ${s.offered.join(' ') || '(no mechanism)'}, and smtp-audit logs in with ${PASSWORD_MECHANISMS.join(', ')}` };
}
