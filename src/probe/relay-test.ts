// The open-relay test: does the server agree to relay mail from an outside sender to an
// outside recipient, in any of the address forms of relay-forms.ts? It stops at RCPT: DATA is
// never sent (ProbeSession refuses it), so no message is ever relayed, whatever the answer.
//
// 1. Sender forms first (null sender, the plain outside sender, a sender forged at the
//    server's name, at its address literal): RSET and MAIL, then RCPT only after MAIL was
//    accepted, so a refused sender never draws a "503 sender not yet given" that some servers
//    (Exim) count as a protocol error. A sender the server refuses outright decides its form:
//    mail from that sender cannot be relayed.
// 2. Recipient forms (the %-hack, quoted local parts, doubled @, source routes, bang paths)
//    from a sender the server accepted in step 1 (the plain outside sender when it was
//    accepted), one MAIL and the RCPTs of a batch pipelined where PIPELINING is offered. A form
//    is judged only when the server answered its RCPT.
// 3. The forms are spread over short sequential sessions so that no session takes more
//    refusals than the server tolerates (relay-limits.ts): Postfix sleeps a second before
//    each reply past its soft error limit, Exim drops the session after three protocol
//    errors, Sendmail throttles refused recipients. A session ends with QUIT before the next
//    one opens: never two connections to one address at a time.
// 4. After an accepted form, RCPT to an obviously invalid local recipient (from the accepted
//    sender): a server that accepts that too accepts every recipient and may discard later.
// A reply that arrives before the server closes the connection keeps its meaning (550 then
// close is a refusal); a form whose reply never came is tried once more in a new session.
import { SmtpError } from '../net/smtp/smtp-session.ts';
import type { SmtpReply } from '../net/smtp/reply-reader.ts';
import { formatReply, probeErrorOf, replyFact } from './facts-of.ts';
import { MessageTransferRefused, type ProbeSession } from './probe-session.ts';
import type { RelayForm } from './relay-forms.ts';
import { countsAgainst, type RelayLimits } from './relay-limits.ts';
import { classifyRcpt, is2xx, isAuthenticationRequired } from './relay-replies.ts';
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
  /** the error limits to stay under (relay-limits.ts) */
  limits: RelayLimits;
  /** open a fresh session in the same mode (TLS when the test runs over TLS), or null when that fails */
  openSession: () => Promise<RelaySession | null>;
  /** sessions in all, the first included */
  maxSessions: number;
  /** sessions the server may end unexpectedly before the test gives up on the remaining forms */
  maxReconnects: number;
  /** ends the first session when the test moves on from it (the caller owns it: QUIT, timed as its step) */
  endStart: () => Promise<void>;
}

/** Senders to use for the recipient forms, most ordinary first: the plain outside sender, then the null sender. */
const SENDER_PREFERENCE = ['plain', 'null-sender', 'sender-server-name', 'sender-address-literal'];

interface Transaction {
  /** the answer to MAIL, null when none arrived */
  mail: ReplyFact | null;
  /** the answers to the RCPTs that arrived, in order */
  rcpts: ReplyFact[];
  /** set when the session ended or failed before every answer arrived */
  lost: ProbeError | null;
}

class Runner {
  private current: RelaySession | null;
  /** replies counted against each per-session limit (plan.limits.rules) in the current session */
  private used: number[];
  private transactions = 0; // MAIL commands sent in the current session
  sessions = 1;
  reconnects = 0;
  lastError: ProbeError | null = null;
  private readonly plan: RelayTestPlan;
  /** each session of the test, with the unsolicited replies it had before the test used it */
  private readonly opened: Array<{ number: number; session: ProbeSession; before: number }>;

  constructor(plan: RelayTestPlan) {
    this.plan = plan;
    this.current = plan.start;
    this.used = plan.limits.rules.map(() => 0);
    this.opened = [{ number: 1, session: plan.start.session, before: plan.start.session.unsolicitedReplies }];
  }

  /**
   * Sessions in which the server sent replies that answered no command: there, replies cannot
   * be paired with commands (an extra "250" after MAIL would read as the answer to RCPT), so
   * none of that session's answers can be trusted. Known once each session sent its next
   * command (QUIT, or the NOOP of finish()).
   */
  desynchronized(): Set<number> {
    return new Set(this.opened.filter((o) => o.session.unsolicitedReplies > o.before).map((o) => o.number));
  }

  get pipelining(): boolean {
    return this.current?.pipelining === true;
  }

  get sessionNumber(): number {
    return this.sessions;
  }

  /** Room for `need` more counted refusals: in this session, or in a new one. False when no session can be had. */
  async room(need: number): Promise<boolean> {
    if (this.current !== null && this.current.session.closed) {
      // the server ended the session after its last answer: not a switch we planned
      this.lastError ??= { step: 'relay test', kind: 'closed', message: 'the server closed the connection', code: null };
      return this.next(false);
    }
    if (this.current !== null && this.remaining() >= need) return true;
    return this.next(true);
  }

  /**
   * Counted refusals the next transaction of this session can take under every limit at once:
   * a per-session limit has what the session left of it, a per-transaction one all of it.
   */
  private remaining(): number {
    return Math.min(...this.plan.limits.rules.map((rule, i) => (rule.per === 'transaction' ? rule.budget : rule.budget - this.used[i]!)));
  }

  /** How many counted refusals the next transaction can still take (at least 1: a fresh session's). */
  get left(): number {
    return Math.max(1, this.remaining());
  }

  /** End the current session (QUIT when it is still open) and open the next. */
  async next(planned: boolean): Promise<boolean> {
    await this.end();
    if (!planned) {
      if (this.reconnects >= this.plan.maxReconnects) return false;
      this.reconnects++;
    }
    if (this.sessions >= this.plan.maxSessions) return false;
    const opened = await this.plan.openSession();
    if (opened === null) return false;
    this.current = opened;
    this.sessions++;
    this.opened.push({ number: this.sessions, session: opened.session, before: opened.session.unsolicitedReplies });
    this.used = this.plan.limits.rules.map(() => 0);
    this.transactions = 0;
    return true;
  }

  /** End the test: QUIT the session it is in, unless that is the caller's (the first), which the caller ends. */
  async finish(): Promise<void> {
    if (this.current !== this.plan.start) {
      await this.end();
    } else if (this.current !== null && !this.current.session.closed) {
      // a NOOP makes replies that answered nothing show up now (the caller's QUIT comes later)
      try { await this.current.session.command('NOOP', this.plan.timeoutMs); } catch { /* the session's end is the caller's */ }
    }
  }

  async end(): Promise<void> {
    const s = this.current;
    this.current = null;
    if (s === null || s.session.closed) return;
    if (s === this.plan.start) {
      await this.plan.endStart();
      return;
    }
    try {
      await s.session.quit(this.plan.timeoutMs);
    } catch {
      s.session.close();
    }
  }

  count(command: 'MAIL' | 'RCPT', reply: ReplyFact | null): void {
    for (const [i, rule] of this.plan.limits.rules.entries()) {
      if (rule.per === 'session' && countsAgainst(rule, command, reply)) this.used[i]!++;
    }
  }

  /**
   * MAIL FROM (after RSET when this session already had a transaction), then the RCPTs: pipelined
   * with MAIL when `pipelineRcpts` and the server offers PIPELINING, else only after MAIL was
   * accepted. Never throws for the session: what arrived before a failure is returned with `lost`.
   */
  async transaction(mailFrom: string, rcpts: string[], pipelineRcpts: boolean): Promise<Transaction> {
    const s = this.current;
    if (s === null || s.session.closed) return { mail: null, rcpts: [], lost: { step: 'relay', kind: 'closed', message: 'the session had ended', code: null } };
    const head = [...(this.transactions > 0 ? ['RSET'] : []), `MAIL FROM:<${mailFrom}>`];
    this.transactions++;
    const timeout = this.plan.timeoutMs;
    const together = pipelineRcpts && s.pipelining;
    const lines = together ? [...head, ...rcpts.map((r) => `RCPT TO:<${r}>`)] : head;
    const received: SmtpReply[] = [];
    let lost: ProbeError | null = null;
    try {
      received.push(...(s.pipelining && lines.length > 1
        ? await s.session.pipeline(lines, timeout * Math.max(2, Math.ceil(lines.length / 2)))
        : await this.oneByOne(s.session, lines, timeout)));
    } catch (e) {
      if (e instanceof MessageTransferRefused) throw e;
      if (e instanceof SmtpError) received.push(...e.replies);
      lost = probeErrorOf(e, 'relay test');
    }
    const mail = received.length >= head.length ? replyFact(received[head.length - 1]!) : null;
    const answers = received.slice(head.length).map(replyFact);
    if (!together && lost === null && is2xx(mail)) {
      for (const r of rcpts) {
        try {
          answers.push(replyFact(await s.session.command(`RCPT TO:<${r}>`, timeout)));
        } catch (e) {
          if (e instanceof MessageTransferRefused) throw e;
          lost = probeErrorOf(e, 'relay test');
          break;
        }
      }
    }
    return { mail, rcpts: answers, lost };
  }

  private async oneByOne(session: ProbeSession, lines: string[], timeout: number): Promise<SmtpReply[]> {
    const replies: SmtpReply[] = [];
    for (const line of lines) {
      try {
        replies.push(await session.command(line, timeout));
      } catch (e) {
        if (e instanceof SmtpError) throw new SmtpError(e.kind, e.step, e.message, { replies, code: e.code, cause: e });
        throw e;
      }
    }
    return replies;
  }
}

function untestedTry(form: RelayForm, mailFrom: string, session: number, why: string, mail: ReplyFact | null = null): RelayTry {
  return { form: form.form, varies: form.varies, mailFrom, rcptTo: form.rcptTo, mail, rcpt: null, outcome: 'untested', untested: why, session, accepted: false };
}

function judgedTry(form: RelayForm, mailFrom: string, session: number, mail: ReplyFact, rcpt: ReplyFact): RelayTry {
  const outcome = classifyRcpt(rcpt);
  return { form: form.form, varies: form.varies, mailFrom, rcptTo: form.rcptTo, mail, rcpt, outcome, untested: null, session, accepted: outcome === 'accepted' };
}

export async function runRelayTest(plan: RelayTestPlan): Promise<RelayFact> {
  const run = new Runner(plan);
  const tries: RelayTry[] = [];
  const untried: string[] = [];
  let authRequired = false;
  let lost = false;

  // 1. sender forms, one transaction each
  const senderForms = plan.forms.filter((f) => f.varies === 'sender');
  const acceptedSenders = new Map<string, string>();
  for (const form of senderForms) {
    if (lost || authRequired) break;
    const mailFrom = form.mailFrom ?? plan.from;
    for (let attempt = 0; ; attempt++) {
      if (!(await run.room(1))) { lost = true; untried.push(form.form); break; }
      const { mail, rcpts, lost: failure } = await run.transaction(mailFrom, [form.rcptTo], false);
      run.count('MAIL', mail);
      if (mail !== null && !is2xx(mail) && mail.code !== 421) {
        // The server refused this very sender (a reply that the server closes after is still its
        // answer): mail from it cannot be relayed, so the form is decided.
        if (isAuthenticationRequired(mail)) authRequired = true;
        tries.push({ form: form.form, varies: 'sender', mailFrom, rcptTo: form.rcptTo, mail, rcpt: null, outcome: 'refused', untested: null, session: run.sessionNumber, accepted: false });
      } else if (mail !== null && is2xx(mail) && rcpts[0] !== undefined) {
        run.count('RCPT', rcpts[0]);
        acceptedSenders.set(form.form, mailFrom);
        tries.push(judgedTry(form, mailFrom, run.sessionNumber, mail, rcpts[0]));
        if (isAuthenticationRequired(rcpts[0])) authRequired = true;
      } else if (attempt === 0 && (await run.next(false))) {
        run.lastError = failure;
        continue; // no answer before the session ended: once more in a new session
      } else {
        run.lastError = failure;
        tries.push(untestedTry(form, mailFrom, run.sessionNumber, `the session ended before the server answered${failure ? ` (${failure.message})` : ''}`, mail));
        if (attempt === 0) lost = true;
      }
      if (failure !== null) {
        run.lastError = failure;
        if (!(await run.next(false))) lost = true;
      }
      break;
    }
  }

  // 2. recipient forms, from a sender the server accepted
  const sender = SENDER_PREFERENCE.map((name) => acceptedSenders.get(name)).find((s) => s !== undefined) ?? null;
  const pending = plan.forms.filter((f) => f.varies === 'recipient');
  if (lost || authRequired) {
    if (!authRequired) untried.push(...pending.map((f) => f.form));
  } else if (sender === null) {
    const refused = tries.filter((t) => t.varies === 'sender' && t.mail !== null && !is2xx(t.mail));
    const why = `the server accepted none of the test senders (${refused.map((t) => `MAIL FROM:<${t.mailFrom}> -> ${formatReply(t.mail)}`).join('; ') || 'no answer'})`;
    for (const form of pending) tries.push(untestedTry(form, plan.from, run.sessionNumber, why));
  } else {
    const retried = new Set<string>();
    while (pending.length > 0) {
      if (!(await run.room(1))) {
        untried.push(...pending.map((f) => f.form));
        break;
      }
      const batch = pending.slice(0, run.left);
      const { mail, rcpts, lost: failure } = await run.transaction(sender, batch.map((f) => f.rcptTo), true);
      run.count('MAIL', mail);
      if (mail !== null && !is2xx(mail)) {
        for (const f of batch) tries.push(untestedTry(f, sender, run.sessionNumber, `MAIL FROM:<${sender}> was not accepted this time (${formatReply(mail)})`, mail));
        pending.splice(0, batch.length);
      } else {
        // answers that arrived keep their meaning, even when the server closed right after
        for (const [i, rcpt] of rcpts.slice(0, batch.length).entries()) {
          run.count('RCPT', rcpt);
          tries.push(judgedTry(batch[i]!, sender, run.sessionNumber, mail!, rcpt));
          if (isAuthenticationRequired(rcpt)) authRequired = true;
        }
        pending.splice(0, Math.min(rcpts.length, batch.length));
      }
      if (authRequired) break;
      if (failure !== null) {
        run.lastError = failure;
        // the first unanswered form goes again once, in a new session
        const unanswered = pending[0];
        if (unanswered !== undefined) {
          if (retried.has(unanswered.form)) {
            tries.push(untestedTry(unanswered, sender, run.sessionNumber, `the session ended before the server answered (${failure.message})`));
            pending.shift();
          } else {
            retried.add(unanswered.form);
          }
        }
        if (pending.length > 0 && !(await run.next(false))) {
          untried.push(...pending.map((f) => f.form));
          pending.length = 0;
        }
      }
    }
  }

  // 3. does it accept every recipient?
  const acceptedSoFar = tries.filter((t) => t.outcome === 'accepted');
  let acceptsAll: RelayFact['acceptsAll'] = null;
  const allSender = sender ?? acceptedSoFar.find((t) => t.varies === 'sender')?.mailFrom ?? null;
  if (acceptedSoFar.length > 0 && plan.invalidLocalRecipient !== null && allSender !== null && (await run.room(1))) {
    const { mail, rcpts } = await run.transaction(allSender, [plan.invalidLocalRecipient], false);
    // RCPT goes only after an accepted MAIL: a refused MAIL leaves the question open (reply null)
    const reply = is2xx(mail) ? rcpts[0] ?? null : null;
    acceptsAll = { recipient: plan.invalidLocalRecipient, mail, reply, accepted: is2xx(reply) };
  }
  await run.finish();

  // answers from a session whose replies cannot be paired with commands decide nothing
  const desynced = run.desynchronized();
  if (desynced.size > 0) {
    for (const [i, t] of tries.entries()) {
      if (!desynced.has(t.session) || t.outcome === 'untested') continue;
      tries[i] = { ...t, outcome: 'untested', accepted: false, untested: 'the server sent replies that answered no command in this session, so its answers cannot be paired with the forms' };
    }
    if (acceptsAll !== null) acceptsAll = null;
  }
  const accepted = tries.filter((t) => t.outcome === 'accepted');
  const judged = tries.filter((t) => t.outcome !== 'untested');
  const verdict: RelayFact['verdict'] = accepted.length > 0 ? 'open'
    : authRequired ? 'auth-required'
    : untried.length > 0 || tries.some((t) => t.outcome === 'untested') || judged.length === 0 ? 'incomplete'
    : tries.some((t) => t.outcome === 'deferred') ? 'deferred'
    : 'closed';
  return {
    over: plan.over,
    pipelined: plan.start.pipelining,
    from: plan.from,
    to: plan.to,
    sender,
    tries,
    untried: authRequired ? [] : untried,
    verdict,
    acceptsAll,
    error: verdict === 'incomplete' ? run.lastError : null,
    sessions: run.sessions,
    limits: { family: plan.limits.family, rules: plan.limits.rules.map((rule) => ({ ...rule })) },
    reconnects: run.reconnects,
  };
}

/** "plain: MAIL FROM:<a> -> 250, RCPT TO:<b> -> 554 5.7.1 Relay access denied" */
export function describeTry(t: RelayTry): string {
  const rcpt = t.rcpt === null ? `RCPT not sent${t.untested ? ` (${t.untested})` : ''}` : `RCPT TO:<${t.rcptTo}> -> ${formatReply(t.rcpt)}`;
  return `${t.form}: MAIL FROM:<${t.mailFrom}> -> ${formatReply(t.mail)}, ${rcpt}`;
}
