// `smtp-audit send`: compose (or read) one message, sign it, deliver it to --server, to each
// recipient domain's MX, or to an in-process loopback server (--loopback), and report every
// session as a timed transcript with its TLS details, final reply and queue id.
import type { AuditEnv } from '../core/context.ts';
import { VERSION } from '../version.ts';
import { parseReplyVerdicts, type ReplyVerdicts } from '../serve/auth-verdict.ts';
import { startLoopbackServer, type ReceivedMessage } from '../serve/loopback-server.ts';
import { storeMessage, verdictRecord, type StoredFiles } from '../serve/message-store.ts';
import { composeMessage, firstAddress, headerFields, readEml, type ComposeInput } from './compose.ts';
import { signMessage, type DkimKey } from './dkim-keys.ts';
import { hintFor, type HintContext } from './failure-hints.ts';
import { groupByDomain, routeByMx, routeToServer, type Route } from './route.ts';
import { SessionLog, type TranscriptLine } from './session-log.ts';
import { runSession, type FailureKind, type SessionOutcome, type SessionSettings, type TlsSummary } from './smtp-delivery.ts';

export interface SendSettings {
  message: { kind: 'compose'; input: Omit<ComposeInput, 'date'> } | { kind: 'eml'; file: string };
  /** envelope sender (MAIL FROM) */
  mailFrom: string;
  to: string[];
  server: { host: string; port: number } | null;
  /** deliver to the recipients' MX on this port */
  mxPort: number;
  loopback: { clientIp: string | null; dir: string | null; serverName: string } | null;
  session: SessionSettings;
  dkimKeys: DkimKey[];
}

export interface DeliveryReport {
  via: Route['via'];
  domain: string | null;
  recipients: string[];
  /** the server that answered (or the last one tried) */
  server: { host: string; port: number; hostname: string | null } | null;
  attempts: number;
  tls: TlsSummary | null;
  authenticated: boolean;
  accepted: string[];
  /** recipients the server refused, with its reply and what to try */
  rejected: Array<{ recipient: string; reply: string; hint: string | null }>;
  reply: string | null;
  queueId: string | null;
  /** spf/dkim/dmarc words found in the server's final reply (the loopback server puts them there) */
  replyVerdicts: ReplyVerdicts | null;
  failure: { kind: FailureKind; code: string; message: string; reply: string | null; command: string | null; hint: string | null } | null;
  transcript: TranscriptLine[];
  durationMs: number;
}

export interface SendReport {
  tool: { name: 'smtp-audit'; version: string };
  startedAt: string;
  durationMs: number;
  message: {
    from: string | null;
    mailFrom: string;
    to: string[];
    subject: string | null;
    messageId: string | null;
    size: number;
    dkim: Array<{ domain: string; selector: string; algorithm: string; bits: number; dnsName: string; dnsRecord: string }>;
  };
  deliveries: DeliveryReport[];
  loopback: { host: string; port: number; arrivals: Array<ReturnType<typeof verdictRecord>> } | null;
  exitCode: SendExitCode;
}

/**
 * 0 every recipient accepted; 1 the server refused the message or a recipient; 2 a usage error,
 * or smtp-audit stopped before AUTH rather than send the password (auth-policy.ts): a change of
 * flags or server is needed, like a usage error; 3 could not tell (no connection, TLS failure,
 * timeout, a connection lost before the server decided).
 */
export type SendExitCode = 0 | 1 | 2 | 3;

/**
 * The queue id in a final reply, where servers usually put it: Postfix "queued as X", Exim
 * "id=X", Microsoft "InternalId=X", otherwise the first token after the enhanced status code
 * (RFC 3463) that looks like an id (our loopback server, Sendmail, many others).
 */
export function queueIdFrom(reply: string | null): string | null {
  if (!reply) return null;
  const patterns = [/queued as ([A-Za-z0-9._-]+)/i, /\bid=([A-Za-z0-9._-]+)/i, /InternalId=([A-Za-z0-9._-]+)/i];
  for (const pattern of patterns) {
    const m = pattern.exec(reply);
    if (m) return m[1]!;
  }
  const tokens = reply.replace(/^2\d\d[ -]/, '').replace(/^\d\.\d{1,3}\.\d{1,3}\s+/, '').split(/\s+/);
  for (const token of tokens.slice(0, 3)) {
    const bare = token.replace(/^[<[(]|[>\]),:;]$/g, '');
    if (/^(ok|queued|message|mail|accepted|sent|for|delivery)$/i.test(bare)) continue;
    if (bare.length >= 6 && /\d/.test(bare) && /^[A-Za-z0-9._@-]+$/.test(bare) && !bare.includes('=')) return bare;
    break;
  }
  return null;
}

function report(route: Route, outcome: SessionOutcome | null, attempts: number, server: DeliveryReport['server'], log: SessionLog, settings: SessionSettings, started: number): DeliveryReport {
  const context: HintContext = {
    port: server?.port ?? 25,
    tls: settings.tls,
    verifyCert: settings.verifyCert,
    auth: settings.auth !== null,
    authenticated: outcome?.authenticated ?? false,
    encrypted: outcome?.tls !== null && outcome?.tls !== undefined,
  };
  const failure = outcome?.failure
    ? { ...outcome.failure, hint: hintFor(outcome.failure, context) }
    : route.problem ? { ...route.problem, reply: null, command: null, hint: route.problem.kind === 'network' ? 'check --resolver and the network' : null } : null;
  const rejected = (outcome?.rejected ?? []).map((r) => ({
    ...r,
    hint: hintFor({ kind: 'rejected', code: 'EENVELOPE', message: '', reply: r.reply, command: 'RCPT TO' }, context),
  }));
  return {
    via: route.via,
    domain: route.domain,
    recipients: route.recipients,
    server,
    attempts,
    tls: outcome?.tls ?? null,
    authenticated: outcome?.authenticated ?? false,
    accepted: outcome?.accepted ?? [],
    rejected,
    reply: outcome?.reply ?? null,
    queueId: queueIdFrom(outcome?.reply ?? null),
    replyVerdicts: outcome?.reply ? parseReplyVerdicts(outcome.reply) : null,
    failure,
    transcript: log.lines,
    durationMs: Math.round(log.elapsed() - started),
  };
}

/** One route: try its addresses in order until a server greets us (RFC 5321 section 5.1). */
async function deliverRoute(route: Route, envelope: { from: string; to: string[] }, message: Buffer, settings: SendSettings, env: AuditEnv, log: SessionLog): Promise<DeliveryReport> {
  const started = log.elapsed();
  if (route.problem) {
    log.note(route.problem.message);
    return report(route, null, 0, null, log, settings.session, started);
  }
  let outcome: SessionOutcome | null = null;
  let server: DeliveryReport['server'] = null;
  let attempts = 0;
  for (const candidate of route.candidates) {
    attempts += 1;
    server = { host: candidate.host, port: candidate.port, hostname: candidate.hostname };
    outcome = await runSession(candidate, envelope, message, settings.session, env.dialer, log, () => env.clock.now());
    // Another address is worth trying only when this one never greeted us.
    if (outcome.greeted || outcome.failure?.kind !== 'network') break;
    if (attempts < route.candidates.length) log.note('trying the next address');
  }
  return report(route, outcome, attempts, server, log, settings.session, started);
}

function exitCodeOf(deliveries: DeliveryReport[]): SendExitCode {
  if (deliveries.some((d) => d.failure?.kind === 'stopped')) return 2;
  if (deliveries.some((d) => d.failure?.kind === 'rejected' || d.rejected.length > 0)) return 1;
  if (deliveries.some((d) => d.failure)) return 3;
  return 0;
}

/** With --loopback the send succeeds only if the message arrived with DMARC and every DKIM signature passing. */
export function loopbackPasses(arrival: ReceivedMessage | undefined): boolean {
  if (!arrival) return false;
  const v = arrival.verdict;
  return v.dmarc.result === 'pass' && v.dkim.every((s) => s.result === 'pass');
}

export async function runSend(settings: SendSettings, env: AuditEnv): Promise<{ report: SendReport; arrivals: Array<{ message: ReceivedMessage; files: StoredFiles | null }> }> {
  const startedAt = env.clock.now();
  const t0 = env.clock.monotonicMs();
  // One transcript per delivery, all timed from the start of the command.
  const newLog = () => new SessionLog(() => env.clock.monotonicMs(), t0, settings.session.auth);

  const composed = settings.message.kind === 'eml'
    ? readEml(settings.message.file)
    : await composeMessage({ ...settings.message.input, date: startedAt });
  const message = await signMessage(composed, settings.dkimKeys, startedAt);
  const fields = headerFields(message);
  const field = (name: string) => fields.find((f) => f.name.toLowerCase() === name)?.value.trim() ?? null;
  const envelope = { from: settings.mailFrom, to: settings.to };

  const arrivals: Array<{ message: ReceivedMessage; files: StoredFiles | null }> = [];
  const deliveries: DeliveryReport[] = [];
  let loopback: SendReport['loopback'] = null;
  if (settings.loopback) {
    const lb = settings.loopback;
    const server = await startLoopbackServer({
      host: '127.0.0.1', port: 0, serverName: lb.serverName, tls: null, auth: true, maxSize: 50 * 1024 * 1024,
      clientIp: lb.clientIp, resolver: env.resolver, clock: env.clock,
      onMessage: (received) => { arrivals.push({ message: received, files: lb.dir ? storeMessage(lb.dir, received) : null }); },
    });
    try {
      const log = newLog();
      log.note(`loopback server listening on ${server.host}:${server.port} (STARTTLS with a self-signed certificate)`);
      const route: Route = { via: 'loopback', domain: null, recipients: settings.to, candidates: [{ host: server.host, port: server.port, hostname: 'localhost' }], problem: null };
      deliveries.push(await deliverRoute(route, envelope, message, settings, env, log));
    } finally {
      await server.stop();
    }
    loopback = { host: server.host, port: server.port, arrivals: arrivals.map((a) => verdictRecord(a.message, a.files)) };
  } else if (settings.server) {
    const route = await routeToServer(settings.server.host, settings.server.port, settings.to, env.resolver, env.dialer);
    deliveries.push(await deliverRoute(route, envelope, message, settings, env, newLog()));
  } else {
    for (const [domain, recipients] of groupByDomain(settings.to)) {
      const route = await routeByMx(domain, settings.mxPort, recipients, env.resolver, env.dialer);
      deliveries.push(await deliverRoute(route, { from: settings.mailFrom, to: recipients }, message, settings, env, newLog()));
    }
  }

  let exitCode = exitCodeOf(deliveries);
  if (settings.loopback && exitCode === 0 && !loopbackPasses(arrivals[0]?.message)) exitCode = 1;
  const fromValue = field('from');
  return {
    arrivals,
    report: {
      tool: { name: 'smtp-audit', version: VERSION },
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(env.clock.monotonicMs() - t0),
      message: {
        from: fromValue ? firstAddress(fromValue) : null,
        mailFrom: settings.mailFrom,
        to: settings.to,
        subject: field('subject'),
        messageId: field('message-id'),
        size: message.length,
        dkim: settings.dkimKeys.map((k) => ({ domain: k.domain, selector: k.selector, algorithm: k.algorithm, bits: k.bits, dnsName: k.dnsName, dnsRecord: k.dnsRecord })),
      },
      deliveries,
      loopback,
      exitCode,
    },
  };
}
