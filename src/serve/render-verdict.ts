// The compact verdict block printed for each message the loopback server receives (and by
// `send --loopback` and `inspect`). Everything in it that came from the sender or from DNS goes
// through sanitizeRemoteText: a From domain or a key record must not drive the terminal.
import { sanitizeRemoteText } from '../util/sanitize.ts';
import type { AuthVerdict, DkimVerdict } from './auth-verdict.ts';
import type { ReceivedMessage } from './loopback-server.ts';
import type { StoredFiles } from './message-store.ts';

const safe = (value: string | null | undefined): string => sanitizeRemoteText(value ?? '');

function row(label: string, result: string, detail: string): string {
  return `  ${label.padEnd(6)} ${result.padEnd(9)} ${detail}`.trimEnd();
}

function dkimDetail(sig: DkimVerdict): string {
  const parts = [`d=${safe(sig.domain) || '?'}`, `s=${safe(sig.selector) || '?'}`];
  if (sig.algorithm) parts.push(safe(sig.algorithm));
  if (sig.keyBits && sig.algorithm?.startsWith('rsa')) parts.push(`${sig.keyBits}-bit`);
  let text = parts.join(' ');
  if (sig.result === 'pass') text += sig.aligned ? ', aligned with From' : ', not aligned with From';
  if (sig.testing) text += ', key in testing mode (t=y)';
  if (sig.result !== 'pass' && sig.comment) text += `: ${safe(sig.comment)}`;
  return text;
}

/** One line per verdict: spf, each dkim signature, dmarc, arc, bimi. */
export function renderAuthLines(verdict: AuthVerdict): string[] {
  if (verdict.error) {
    // nothing was determined: say why once, and no details that were never looked at
    return [
      row('error', '', `${safe(verdict.error)}: nothing could be determined`),
      ...(verdict.spf.evaluated ? [row('spf', verdict.spf.result, '')] : [row('spf', 'skipped', 'no client address (give --ip, or a message with Received-SPF)')]),
      row('dkim', verdict.dkim[0]?.result ?? 'temperror', ''),
      row('dmarc', verdict.dmarc.result, ''),
      row('arc', verdict.arc.result, ''),
      row('bimi', verdict.bimi.result, ''),
    ];
  }
  const lines: string[] = [];
  const spf = verdict.spf;
  if (!spf.evaluated) {
    lines.push(row('spf', 'skipped', 'no client address (give --ip, or a message with Received-SPF)'));
  } else {
    const subject = `${safe(spf.domain) || '?'} for ${safe(spf.clientIp)}`;
    lines.push(row('spf', spf.result, spf.record ? `${subject}: ${safe(spf.record)}` : `${subject}${spf.comment ? `: ${safe(spf.comment)}` : ''}`));
  }
  if (verdict.dkim.length === 0) lines.push(row('dkim', 'none', 'the message has no DKIM-Signature'));
  for (const sig of verdict.dkim) lines.push(row('dkim', sig.result, dkimDetail(sig)));
  const d = verdict.dmarc;
  if (d.record || d.result !== 'none') {
    const aligned = [d.spfAligned ? `spf ${safe(d.spfAligned)}` : null, d.dkimAligned ? `dkim ${safe(d.dkimAligned)}` : null].filter(Boolean);
    lines.push(row('dmarc', d.result, `From ${safe(d.fromDomain)}, p=${safe(d.policy) || '?'}; aligned: ${aligned.length > 0 ? aligned.join(', ') : 'nothing'}`));
  } else {
    lines.push(row('dmarc', 'none', safe(d.comment) || 'no DMARC record'));
  }
  const arc = verdict.arc;
  lines.push(row('arc', arc.result, arc.instance ? `chain of ${arc.instance}${arc.comment ? `: ${safe(arc.comment)}` : ''}` : safe(arc.comment)));
  const bimi = verdict.bimi;
  lines.push(row('bimi', bimi.result, bimi.location ? `logo ${safe(bimi.location)}` : safe(bimi.comment)));
  return lines;
}

export function renderArrival(message: ReceivedMessage, files: StoredFiles | null): string {
  const s = message.session;
  const tls = s.tls ? `${safe(s.tls.protocol)} ${safe(s.tls.cipher)}` : 'no TLS';
  const via = s.clientIp !== s.remoteAddress ? `${safe(s.remoteAddress)} as ${safe(s.clientIp)}` : safe(s.remoteAddress);
  const lines = [
    `message ${message.id} from ${via} (HELO ${safe(s.helo) || '-'}), ${tls}${s.authUser !== null ? `, AUTH as ${safe(s.authUser)}` : ''}, ${message.size} bytes`,
    `  MAIL FROM <${safe(s.mailFrom)}> RCPT TO ${s.rcptTo.map((r) => `<${safe(r)}>`).join(' ')}`,
    ...renderAuthLines(message.verdict),
  ];
  if (files) lines.push(`  saved  ${files.eml}`);
  lines.push(`  reply  250 ${message.reply}`);
  return `${lines.join('\n')}\n`;
}
