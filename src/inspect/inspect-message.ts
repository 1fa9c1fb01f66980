// `smtp-audit inspect <file.eml>`: verify a saved message again (DKIM and ARC from the message
// alone; SPF and DMARC need the connection it arrived on, taken from --ip/--helo/--mail-from or
// from the trace fields the receiving server added) and trace its route through the Received
// chain, like a header analyzer. The message has passed the limits (read-message.ts) before it
// gets here; mailauth runs in a worker with a time budget (the verifier).
import net from 'node:net';
import type { AuthVerdict } from '../serve/auth-verdict.ts';
import type { MessageVerifier } from '../serve/message-verifier.ts';
import { firstAddress, headerFields, toCrlf } from '../send/compose.ts';
import { VERSION } from '../version.ts';
import { traceRoute, type ReceivedHop } from './received-chain.ts';
import { parseAuthenticationResults, parseReceivedSpf, type AuthenticationResults, type ReceivedSpf } from './trace-results.ts';

export interface InspectOptions {
  ip: string | null;
  helo: string | null;
  mailFrom: string | null;
  verifier: Pick<MessageVerifier, 'verify'>;
}

export type ConnectionSource = 'flag' | 'received-spf' | 'authentication-results' | 'received' | 'return-path' | null;

export interface InspectReport {
  tool: { name: 'smtp-audit'; version: string };
  file: string;
  size: number;
  headers: { from: string | null; to: string | null; subject: string | null; date: string | null; messageId: string | null; returnPath: string | null };
  /** the connection SPF and DMARC were evaluated for, and where each value came from */
  connection: {
    clientIp: string | null; clientIpFrom: ConnectionSource;
    helo: string | null; heloFrom: ConnectionSource;
    mailFrom: string | null; mailFromFrom: ConnectionSource;
  };
  verdict: Omit<AuthVerdict, 'headers'>;
  /** what receiving servers recorded, topmost (newest) first */
  recorded: { authenticationResults: AuthenticationResults[]; receivedSpf: ReceivedSpf[] };
  route: { hops: ReceivedHop[]; totalMs: number | null };
  exitCode: 0 | 1 | 3;
}

const FAILING = new Set(['fail', 'permerror', 'neutral', 'policy', 'softfail']);

/** 1 when DMARC, ARC or any DKIM signature failed; 3 when one could not be determined (temperror); else 0. */
export function inspectExitCode(verdict: Omit<AuthVerdict, 'headers'>): 0 | 1 | 3 {
  const results = [verdict.dmarc.result, verdict.arc.result, ...verdict.dkim.map((d) => d.result)];
  if (results.some((r) => FAILING.has(r))) return 1;
  if (results.some((r) => r === 'temperror' || r === 'temperr')) return 3;
  return 0;
}

export async function inspectMessage(file: string, data: Buffer, options: InspectOptions): Promise<InspectReport> {
  // Saved messages often have LF line endings; RFC 5322 section 2.3 lines end in CRLF.
  const message = toCrlf(data);
  const fields = headerFields(message);
  const all = (name: string) => fields.filter((f) => f.name.toLowerCase() === name).map((f) => f.value.trim());
  const one = (name: string) => all(name)[0] ?? null;

  const authResults = all('authentication-results').map(parseAuthenticationResults).filter((x): x is AuthenticationResults => x !== null);
  const receivedSpf = all('received-spf').map(parseReceivedSpf).filter((x): x is ReceivedSpf => x !== null);
  const received = all('received');
  const hops = traceRoute(received, one('date'));

  // The connection: the flags first, then the newest trace fields that name each value.
  const spfRecord = receivedSpf[0] ?? null;
  const arProps = (authResults[0]?.results ?? []).reduce<Record<string, string>>((acc, r) => ({ ...r.properties, ...acc }), {});
  const lastHop = hops.length > 0 ? hops[hops.length - 1]! : null;
  const pick = <T>(candidates: Array<[T | null | undefined, ConnectionSource]>): [T | null, ConnectionSource] => {
    for (const [value, source] of candidates) if (value !== null && value !== undefined && value !== '') return [value, source];
    return [null, null];
  };
  const arIp = arProps['smtp.remote-ip'] ?? arProps['policy.iprev'] ?? null;
  const [clientIp, clientIpFrom] = pick<string>([
    [options.ip, 'flag'],
    [spfRecord?.clientIp, 'received-spf'],
    [arIp && net.isIP(arIp) ? arIp : null, 'authentication-results'],
    [lastHop?.fromIp && net.isIP(lastHop.fromIp) ? lastHop.fromIp : null, 'received'],
  ]);
  const [helo, heloFrom] = pick<string>([
    [options.helo, 'flag'],
    [spfRecord?.helo, 'received-spf'],
    [arProps['smtp.helo'], 'authentication-results'],
    [lastHop?.from && !/^\[/.test(lastHop.from) ? lastHop.from : null, 'received'],
  ]);
  const returnPath = one('return-path');
  const [mailFrom, mailFromFrom] = pick<string>([
    [options.mailFrom, 'flag'],
    [spfRecord?.envelopeFrom, 'received-spf'],
    [arProps['smtp.mailfrom'], 'authentication-results'],
    [returnPath ? (returnPath.replace(/^\s*<|>\s*$/g, '').trim() || null) : null, 'return-path'],
  ]);

  const verdict = await options.verifier.verify({
    source: { bytes: message }, clientIp, helo, mailFrom, authservId: 'smtp-audit.inspect',
  });
  const { headers: _generated, ...rest } = verdict;
  const times = hops.map((h) => (h.time ? Date.parse(h.time) : NaN)).filter((t) => !Number.isNaN(t));
  const origin = one('date') ? Date.parse(one('date')!.replace(/\([^)]*\)/g, '').trim()) : NaN;
  const start = Number.isNaN(origin) ? times[0] : origin;
  const totalMs = times.length > 0 && start !== undefined ? times[times.length - 1]! - start : null;
  const from = one('from');
  return {
    tool: { name: 'smtp-audit', version: VERSION },
    file,
    size: message.length,
    headers: { from: from ? firstAddress(from) ?? from : null, to: one('to'), subject: one('subject'), date: one('date'), messageId: one('message-id'), returnPath },
    connection: { clientIp, clientIpFrom, helo, heloFrom, mailFrom, mailFromFrom },
    verdict: rest,
    recorded: { authenticationResults: authResults, receivedSpf },
    route: { hops, totalMs },
    exitCode: inspectExitCode(rest),
  };
}
