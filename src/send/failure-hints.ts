// What to try when a test send fails. Most failures have a handful of usual causes: the wrong
// port for the TLS mode (465 is implicit TLS, RFC 8314 section 3.3; 587 and 25 use STARTTLS,
// RFC 3207), a server that wants AUTH before it relays (RFC 4954), or port 25 blocked on the
// way out. The hint names the flag to change.
import type { SessionFailure, SessionSettings } from './smtp-delivery.ts';

export function hintFor(failure: SessionFailure, settings: SessionSettings, port: number, authOffered: boolean, encrypted: boolean): string | null {
  const reply = failure.reply ?? '';
  const code = Number(/^(\d{3})/.exec(reply)?.[1] ?? 0);
  const text = `${failure.message} ${reply}`;
  switch (failure.code) {
    case 'ECONNREFUSED':
      return `nothing listens on port ${port} there: check the port (25 for MX delivery, 587 for submission with STARTTLS, 465 for implicit TLS)`;
    case 'ETIMEDOUT':
    case 'ETIMEOUT':
      if (failure.command === 'CONNECT' && port === 25) return 'no answer on port 25: many networks block outgoing port 25; try --server <your submission server>:587 --auth <user>';
      if (/Greeting never received/i.test(text) && settings.tls !== 'implicit' && port === 465) return 'port 465 expects TLS from the first byte: add --tls implicit';
      if (/Greeting never received/i.test(text)) return 'the server accepted the connection but sent no greeting: if it expects TLS first (port 465), use --tls implicit';
      return 'the server stopped answering: raise --timeout, or check that the port and --tls mode match';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the address is unreachable from here (no route): check the network, or IPv6 connectivity for an IPv6 address';
    case 'ENOTFOUND':
      return 'check the spelling of the domain or --server host name, and --resolver';
    case 'ECONNRESET':
    case 'ECONNECTION':
    case 'ESOCKET':
    case 'ETLS':
      if (/wrong version number|packet length too long|unknown protocol|http request/i.test(text)) {
        return settings.tls === 'implicit'
          ? 'the server does not speak TLS on connect here: use --tls starttls (ports 25 and 587), or port 465 for --tls implicit'
          : 'the TLS handshake failed: check the --tls mode for this port (465 is --tls implicit)';
      }
      if (/certificate|self[- ]signed|unable to verify|altnames/i.test(text)) return 'the certificate is not trusted or does not cover this name: drop --verify-cert to send anyway and read the certificate summary';
      if (failure.command === 'STARTTLS' || /STARTTLS/i.test(text)) return 'the server refused or failed STARTTLS: drop --require-tls to send without TLS, or use --tls implicit on port 465';
      if (settings.tls === 'implicit') return 'the connection closed during the TLS handshake: the port may expect STARTTLS (try --tls starttls) or plain SMTP';
      return 'the server closed the connection: it may limit connections from this address, or expect another --tls mode';
    case 'EAUTH':
      if (!authOffered) {
        return encrypted
          ? 'the server does not offer AUTH on this port: submission servers offer it on port 587 (STARTTLS) or 465 (--tls implicit)'
          : 'the server does not offer AUTH here: servers usually offer it only after STARTTLS (do not use --tls none) and on port 587 or 465';
      }
      if (code === 535 || code === 534 || code === 454) return 'the server refused the credentials: check --auth and SMTP_AUDIT_PASSWORD (an app password may be needed), or try --auth-method login';
      if (code === 504) return 'the server does not support that AUTH mechanism: try --auth-method plain or --auth-method login';
      return 'authentication failed: check --auth, SMTP_AUDIT_PASSWORD and --auth-method';
    default:
      break;
  }
  if (code === 530 || /authentication required|must authenticate/i.test(text)) return 'the server requires authentication: add --auth <user> (password from SMTP_AUDIT_PASSWORD)';
  if (/relay/i.test(text) || /5\.7\.1/.test(text)) return 'the server refused to relay: authenticate with --auth, or send to the recipient domain\'s own MX (leave out --server)';
  if (code === 552 || /size/i.test(text)) return 'the message is too big for this server: send fewer or smaller --attach files';
  if (code === 550 && failure.command === 'RCPT TO') return 'the recipient was refused: check the address, or whether the server knows that domain';
  if (/5\.7\.(?:23|25|26|27)|spf|dmarc|dkim/i.test(text)) return 'the server refused the message on authentication grounds: check SPF for the sending address, and --dkim-key / the From domain\'s DMARC';
  if (code >= 400 && code < 500) return 'a temporary refusal (4xx): greylisting or rate limiting; try again in a few minutes';
  return null;
}
