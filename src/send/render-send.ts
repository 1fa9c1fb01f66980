// The human form of a send report: what was sent and signed, then per delivery the timed
// transcript, TLS and certificate summary, final reply, queue id and, on failure, what to try.
// Transcript and reply text were sanitized when recorded; other remote text is sanitized here.
import { renderArrival } from '../serve/render-verdict.ts';
import type { ReceivedMessage } from '../serve/loopback-server.ts';
import type { StoredFiles } from '../serve/message-store.ts';
import { sanitizeRemoteText } from '../util/sanitize.ts';
import type { DeliveryReport, SendReport } from './run-send.ts';
import { renderTranscript } from './session-log.ts';

const safe = (s: string | null | undefined) => sanitizeRemoteText(s ?? '');
const field = (label: string, value: string) => `${label.padEnd(9)} ${value}`;

function heading(d: DeliveryReport): string {
  // MX host names come from DNS
  const server = safe(d.server ? `${d.server.hostname && d.server.hostname !== d.server.host ? `${d.server.hostname} [${d.server.host}]` : d.server.host}:${d.server.port}` : 'nowhere');
  switch (d.via) {
    case 'loopback': return `delivery to the loopback server ${server}`;
    case 'server': return `delivery to ${server} (--server)`;
    case 'mx': return `delivery for ${d.domain} via its MX ${server}`;
    case 'implicit-mx': return `delivery for ${d.domain} via ${server} (no MX record: implicit MX, RFC 5321 section 5.1)`;
  }
}

function renderDelivery(d: DeliveryReport): string {
  const lines = [heading(d), renderTranscript(d.transcript), ''];
  if (d.tls) {
    lines.push(field('tls', `${d.tls.protocol ?? '?'} ${d.tls.cipher ?? '?'} (${d.tls.how === 'implicit' ? 'implicit TLS' : 'STARTTLS'})`));
    const c = d.tls.certificate;
    if (c) {
      const trust = c.trusted ? 'trusted' : `not trusted: ${c.trustError}`;
      const name = c.nameMatches === null ? '' : c.nameMatches ? `, covers ${safe(d.server?.hostname)}` : `, does not cover ${safe(d.server?.hostname)}`;
      lines.push(field('cert', `${safe(c.subject) || '(no subject)'}; issuer ${safe(c.issuer) || '-'}; ${trust}${name}`));
      lines.push(field('', `valid until ${c.validTo.slice(0, 10)} (${c.daysLeft} days)${c.selfSigned ? ', self-signed' : ''}; SHA-256 ${c.fingerprint256}`));
      if (c.altNames.length > 0) lines.push(field('', `names ${safe(c.altNames.slice(0, 8).join(', '))}${c.altNames.length > 8 ? ` and ${c.altNames.length - 8} more` : ''}`));
    }
  } else if (d.server && d.attempts > 0 && !d.failure) {
    lines.push(field('tls', 'none: the message went unencrypted'));
  }
  if (d.authenticated) lines.push(field('auth', 'accepted'));
  if (d.reply) lines.push(field('reply', d.reply));
  if (d.queueId) lines.push(field('queue id', safe(d.queueId)));
  if (d.replyVerdicts) lines.push(field('verdicts', `spf=${d.replyVerdicts.spf} dkim=${d.replyVerdicts.dkim} dmarc=${d.replyVerdicts.dmarc} (from the server's reply)`));
  for (const r of d.rejected) {
    lines.push(field('refused', `${safe(r.recipient)}: ${r.reply}`));
    // when the whole delivery failed, its own hint below says it once
    if (r.hint && r.hint !== d.failure?.hint) lines.push(field('try', r.hint));
  }
  if (d.failure) {
    lines.push(field('failed', `${d.failure.code}: ${d.failure.message}`));
    if (d.failure.hint) lines.push(field('try', d.failure.hint));
  } else if (d.accepted.length > 0) {
    lines.push(field('accepted', d.accepted.map(safe).join(', ')));
  }
  lines.push(field('time', `${d.durationMs} ms`));
  return lines.join('\n');
}

export function renderSendText(report: SendReport, arrivals: Array<{ message: ReceivedMessage; files: StoredFiles | null }>): string {
  const m = report.message;
  const out: string[] = [
    `smtp-audit send: ${m.size} bytes from <${safe(m.mailFrom)}> to ${m.to.map((t) => `<${safe(t)}>`).join(', ')}${m.messageId ? `, Message-ID ${safe(m.messageId)}` : ''}`,
  ];
  for (const k of m.dkim) {
    out.push(`dkim signature d=${k.domain} s=${k.selector} ${k.algorithm}${k.algorithm.startsWith('rsa') ? ` ${k.bits}-bit` : ''}; its public key record:`);
    out.push(`  ${k.dnsName} TXT "${k.dnsRecord}"`);
  }
  out.push('');
  for (const d of report.deliveries) out.push(renderDelivery(d), '');
  if (report.loopback) {
    out.push('arrival at the loopback server:');
    if (arrivals.length === 0) out.push('  nothing arrived');
    for (const a of arrivals) out.push(renderArrival(a.message, a.files));
  }
  const verdicts: Record<SendReport['exitCode'], string> = {
    0: 'ok',
    1: report.loopback ? 'refused, or not passing DKIM and DMARC on arrival' : 'refused',
    2: 'stopped before AUTH, the password was not sent',
    3: 'network error',
  };
  const verdict = verdicts[report.exitCode];
  out.push(`total ${report.durationMs} ms: ${verdict} (exit ${report.exitCode})`);
  return `${out.join('\n')}\n`;
}
