// The table form of an inspect report: the message, the verdicts as a receiver would reach them
// now, what the receiving servers recorded, and the route hop by hop with the delay of each.
// Header text is attacker-chosen: all of it passes through sanitizeRemoteText.
import { renderAuthLines } from '../serve/render-verdict.ts';
import { sanitizeRemoteText, truncate } from '../util/sanitize.ts';
import type { ConnectionSource, InspectReport } from './inspect-message.ts';
import type { ReceivedHop } from './received-chain.ts';

const safe = (s: string | null | undefined, max = 200) => truncate(sanitizeRemoteText((s ?? '').replace(/\r?\n[ \t]+/g, ' ')), max);

/** +850ms, +12s, +3m05s, +2h01m; negative delays mean the clocks disagree. */
export function formatDelay(ms: number | null): string {
  if (ms === null) return '?';
  const sign = ms < 0 ? '-' : '+';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${sign}${abs}ms`;
  const s = Math.round(abs / 1000);
  if (s < 60) return `${sign}${s}s`;
  if (s < 3600) return `${sign}${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${sign}${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${sign}${Math.floor(s / 86400)}d${String(Math.floor((s % 86400) / 3600)).padStart(2, '0')}h`;
}

const SOURCE: Record<Exclude<ConnectionSource, null>, string> = {
  flag: 'given', 'received-spf': 'from Received-SPF', 'authentication-results': 'from Authentication-Results', received: 'from the newest Received', 'return-path': 'from Return-Path',
};

function hopRow(hop: ReceivedHop): string[] {
  const from = hop.from || hop.fromIp
    ? `${safe(hop.from, 40) || '-'}${hop.fromIp && hop.fromIp !== hop.from?.replace(/^\[|\]$/g, '') ? ` (${safe(hop.fromRdns ? `${hop.fromRdns} ` : '')}${safe(hop.fromIp)})` : ''}`
    : '-';
  const tls = hop.tls === null ? '?' : hop.tls.used ? (hop.tls.version ?? 'yes') : 'no';
  return [String(hop.index), formatDelay(hop.delayMs), hop.time ? hop.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : safe(hop.dateText, 30) || '?', from, safe(hop.by, 40) || '-', safe(hop.with, 12) || '-', tls];
}

function columns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `  ${r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}`.trimEnd());
}

export function renderInspectText(report: InspectReport): string {
  const h = report.headers;
  const out: string[] = [
    `smtp-audit inspect ${report.file} (${report.size} bytes)`,
    `  From        ${safe(h.from) || '-'}`,
    `  To          ${safe(h.to) || '-'}`,
    `  Subject     ${safe(h.subject) || '-'}`,
    `  Date        ${safe(h.date) || '-'}`,
    `  Message-ID  ${safe(h.messageId) || '-'}`,
    '',
  ];
  const c = report.connection;
  const part = (label: string, value: string | null, source: ConnectionSource) => (value ? `${label} ${safe(value)} (${source ? SOURCE[source] : ''})` : `${label} unknown`);
  out.push(`verification now: ${[part('client', c.clientIp, c.clientIpFrom), part('HELO', c.helo, c.heloFrom), part('MAIL FROM', c.mailFrom, c.mailFromFrom)].join(', ')}`);
  out.push(...renderAuthLines({ ...report.verdict, headers: '' }), '');

  for (const ar of report.recorded.authenticationResults) {
    const results = ar.results.map((r) => `${r.method}=${r.result}`).join(' ');
    out.push(`recorded by ${safe(ar.authservId, 80)}: ${safe(results) || 'none'}`);
  }
  for (const spf of report.recorded.receivedSpf) {
    out.push(`recorded Received-SPF: ${safe(spf.result)}${spf.clientIp ? ` client-ip=${safe(spf.clientIp)}` : ''}${spf.envelopeFrom !== null ? ` envelope-from=${safe(spf.envelopeFrom)}` : ''}${spf.helo ? ` helo=${safe(spf.helo)}` : ''}`);
  }
  if (report.recorded.authenticationResults.length + report.recorded.receivedSpf.length > 0) out.push('');

  const hops = report.route.hops;
  if (hops.length === 0) {
    out.push('route: no Received fields (the message was never relayed, or they were removed)');
  } else {
    const total = report.route.totalMs !== null ? `, ${formatDelay(report.route.totalMs).replace(/^\+/, '')} from ${h.date ? 'Date' : 'the first hop'} to the last hop` : '';
    out.push(`route: ${hops.length} hop${hops.length === 1 ? '' : 's'}, oldest first${total}`);
    out.push(...columns([['hop', 'delay', 'time (UTC)', 'from', 'by', 'with', 'tls'], ...hops.map(hopRow)]));
    const skewed = hops.filter((x) => x.delayMs !== null && x.delayMs < 0);
    if (skewed.length > 0) out.push(`  negative delays at hop ${skewed.map((x) => x.index).join(', ')}: those servers' clocks disagree`);
  }
  const verdict = report.exitCode === 0 ? 'nothing failed' : report.exitCode === 1 ? 'a signature or DMARC failed' : 'some results could not be determined';
  out.push('', `${verdict} (exit ${report.exitCode})`);
  return `${out.join('\n')}\n`;
}
