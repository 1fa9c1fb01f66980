// The open-relay test over an open session (after EHLO, over TLS when it worked). Each try is
// RSET, MAIL FROM an outside sender, RCPT TO an outside recipient, in one of the address forms
// of relay-forms.ts; it stops at RCPT. DATA is never sent (ProbeSession refuses it), so no
// message is ever relayed, whatever the server answers.
// With PIPELINING (RFC 2920) the three commands of a try go in one group. A session that ends
// part-way is reopened (at most `maxReconnects` times) and the remaining forms are tried there.
// After an accepted form one more RCPT goes to an obviously invalid local recipient: a server
// that accepts that too accepts every recipient and may discard (or bounce) later.
import { formatReply, probeErrorOf, replyFact } from './facts-of.ts';
import { MessageTransferRefused, type ProbeSession } from './probe-session.ts';
import type { RelayForm } from './relay-forms.ts';
import type { ProbeError, RelayFact, RelayTry, ReplyFact } from './types.ts';

export interface RelaySession {
  session: ProbeSession;
  pipelining: boolean;
}

export interface RelayTestPlan {
  start: RelaySession;
  over: 'tls' | 'plaintext';
  from: string;
  to: string;
  forms: RelayForm[];
  /** an address at a domain the server receives for, that cannot exist; null: no accept-all check */
  invalidLocalRecipient: string | null;
  timeoutMs: number;
  /** open a fresh session in the same mode, or null when that fails */
  reconnect: () => Promise<RelaySession | null>;
  maxReconnects: number;
}

const isAuthRequired = (r: ReplyFact | null): boolean => r !== null && (r.code === 530 || (r.code >= 500 && r.enhanced === '5.7.0' && /auth/i.test(r.lines.join(' '))));
const is2xx = (r: ReplyFact | null): boolean => r !== null && r.code >= 200 && r.code < 300;

async function exchange(s: RelaySession, mailFrom: string, rcptTo: string, timeoutMs: number): Promise<{ mail: ReplyFact; rcpt: ReplyFact | null }> {
  const mailLine = `MAIL FROM:<${mailFrom}>`;
  const rcptLine = `RCPT TO:<${rcptTo}>`;
  if (s.pipelining) {
    const [, mail, rcpt] = await s.session.pipeline(['RSET', mailLine, rcptLine], timeoutMs * 2);
    return { mail: replyFact(mail!), rcpt: replyFact(rcpt!) };
  }
  await s.session.command('RSET', timeoutMs);
  const mail = replyFact(await s.session.command(mailLine, timeoutMs));
  if (!is2xx(mail)) return { mail, rcpt: null };
  return { mail, rcpt: replyFact(await s.session.command(rcptLine, timeoutMs)) };
}

export async function runRelayTest(plan: RelayTestPlan): Promise<RelayFact> {
  const tries: RelayTry[] = [];
  const pending = [...plan.forms];
  let current: RelaySession | null = plan.start;
  let reconnects = 0;
  let error: ProbeError | null = null;
  let authRequired = false;

  while (pending.length > 0 && current !== null) {
    const form = pending[0]!;
    try {
      const { mail, rcpt } = await exchange(current, form.mailFrom, form.rcptTo, plan.timeoutMs);
      pending.shift();
      tries.push({ form: form.form, mailFrom: form.mailFrom, rcptTo: form.rcptTo, mail, rcpt, accepted: is2xx(mail) && is2xx(rcpt) });
      if (isAuthRequired(mail) || isAuthRequired(rcpt)) {
        // The server wants authentication before it relays: that is the answer (nmap stops too).
        authRequired = true;
        break;
      }
      if (current.session.closed && pending.length > 0) throw new Error('the server closed the connection');
    } catch (e) {
      if (e instanceof MessageTransferRefused) throw e;
      error = probeErrorOf(e, `relay ${form.form}`);
      current.session.close();
      current = null;
      if (pending.length > 0 && reconnects < plan.maxReconnects) {
        reconnects++;
        current = await plan.reconnect();
      }
    }
  }

  const accepted = tries.filter((t) => t.accepted);
  let acceptsAll: RelayFact['acceptsAll'] = null;
  if (accepted.length > 0 && plan.invalidLocalRecipient !== null && current !== null && !current.session.closed) {
    try {
      const { rcpt } = await exchange(current, plan.from, plan.invalidLocalRecipient, plan.timeoutMs);
      acceptsAll = { recipient: plan.invalidLocalRecipient, reply: rcpt, accepted: is2xx(rcpt) };
    } catch (e) {
      if (e instanceof MessageTransferRefused) throw e;
      acceptsAll = { recipient: plan.invalidLocalRecipient, reply: null, accepted: false };
    }
  }

  const refusedAll = tries.length > 0 && tries.every((t) => (t.mail !== null && t.mail.code >= 500) || (t.rcpt !== null && t.rcpt.code >= 500));
  const verdict: RelayFact['verdict'] = accepted.length > 0 ? 'open'
    : authRequired ? 'auth-required'
    : pending.length > 0 || tries.length === 0 ? 'incomplete'
    : refusedAll ? 'closed'
    : 'deferred';
  return {
    over: plan.over,
    pipelined: plan.start.pipelining,
    from: plan.from,
    to: plan.to,
    tries,
    untried: authRequired ? [] : pending.map((f) => f.form),
    verdict,
    acceptsAll,
    error: verdict === 'incomplete' ? error : (error && { ...error, message: `${error.message} (recovered by reconnecting)` }),
    reconnects,
  };
}

/** "plain: MAIL FROM:<a> -> 250, RCPT TO:<b> -> 554 5.7.1 Relay access denied" */
export function describeTry(t: RelayTry): string {
  const rcpt = t.rcpt === null ? 'RCPT not sent' : `RCPT TO:<${t.rcptTo}> -> ${formatReply(t.rcpt)}`;
  return `${t.form}: MAIL FROM:<${t.mailFrom}> -> ${formatReply(t.mail)}, ${rcpt}`;
}
