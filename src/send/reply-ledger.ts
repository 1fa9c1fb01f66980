// Which command each server reply answered, for one SMTP session. nodemailer tells us the
// outcome of a step, but when the server refuses and then hangs up (Postfix after its error
// limit, Exim after 3 protocol errors, any server sending 421, RFC 5321 section 3.8) the
// refusal is lost and only "connection closed" remains: with PIPELINING (RFC 2920) MAIL, RCPT
// and DATA go out together and nodemailer waits for the reply to DATA before deciding. The
// ledger pairs replies with commands in order, as RFC 2920 section 3.1 requires servers to
// answer them, so the refusal that ended the session can still be reported, with the command
// it answered.
//
// It also reads the AUTH keyword of the last EHLO reply (RFC 4954 section 3) itself: nodemailer's
// `allowsAuth` is also true after a HELO fallback, where nothing was offered.
//
// Only command names and envelope addresses are kept: AUTH initial responses and the answers
// to 334 challenges (credentials) are never stored.

/** The stage a reply answered, in nodemailer's words where it has one (its error `command`). */
export type Stage = 'CONN' | 'EHLO' | 'HELO' | 'STARTTLS' | 'AUTH' | 'MAIL FROM' | 'RCPT TO' | 'DATA' | 'END OF DATA' | 'RSET' | 'QUIT' | 'OTHER';

export interface AnsweredCommand {
  stage: Stage;
  /** the command as it can be shown: "AUTH PLAIN", "RCPT TO:<a@b>"; never a credential */
  command: string;
  /** the RCPT TO address */
  recipient: string | null;
  /** the whole reply, lines joined with \n */
  reply: string;
  code: number;
}

function stageOf(line: string): { stage: Stage; command: string; recipient: string | null } {
  const verb = (/^[A-Za-z]+/.exec(line)?.[0] ?? '').toUpperCase();
  switch (verb) {
    case 'EHLO': case 'HELO': case 'STARTTLS': case 'DATA': case 'RSET': case 'QUIT':
      return { stage: verb, command: line, recipient: null };
    case 'AUTH':
      // "AUTH PLAIN <initial response>": keep the mechanism only
      return { stage: 'AUTH', command: line.split(/\s+/).slice(0, 2).join(' ').toUpperCase(), recipient: null };
    case 'MAIL':
      return { stage: 'MAIL FROM', command: line, recipient: null };
    case 'RCPT':
      return { stage: 'RCPT TO', command: line, recipient: /<([^>]*)>/.exec(line)?.[1] ?? null };
    default:
      return { stage: 'OTHER', command: verb || '?', recipient: null };
  }
}

export class ReplyLedger {
  /** replies paired with what they answered, in order; the greeting first */
  readonly answered: AnsweredCommand[] = [];
  private readonly waiting: Array<{ stage: Stage; command: string; recipient: string | null }> = [{ stage: 'CONN', command: 'greeting', recipient: null }];
  /** the next client line answers a 334 challenge (RFC 4954 section 4): part of that AUTH */
  private inSasl: { command: string } | null = null;

  /** A command line we sent. */
  client(line: string): void {
    if (this.inSasl) {
      this.waiting.push({ stage: 'AUTH', command: this.inSasl.command, recipient: null });
      this.inSasl = null;
      return;
    }
    this.waiting.push(stageOf(line));
  }

  /** A complete reply (multi-line replies as one, lines joined with \n). */
  server(reply: string): void {
    const code = Number(/^(\d{3})/.exec(reply)?.[1] ?? 0);
    const answered = this.waiting.shift() ?? { stage: 'OTHER' as Stage, command: '?', recipient: null };
    this.answered.push({ ...answered, reply, code });
    if (code === 334) this.inSasl = { command: answered.command };
    // RFC 5321 section 4.1.1.4: after 354 the message follows and its end gets its own reply.
    // nodemailer logs the message data as a note, not as command lines, so it is queued here.
    if (code === 354 && answered.stage === 'DATA') this.waiting.unshift({ stage: 'END OF DATA', command: '<CRLF>.<CRLF>', recipient: null });
  }

  /** The stage of the oldest command still waiting for its reply (what a timeout interrupted). */
  awaiting(): Stage | null {
    return this.waiting[0]?.stage ?? null;
  }

  /** The reply to the last EHLO (null after HELO or before any EHLO). */
  lastEhloReply(): string | null {
    for (let i = this.answered.length - 1; i >= 0; i--) {
      const entry = this.answered[i]!;
      if (entry.stage === 'HELO') return null;
      if (entry.stage === 'EHLO') return entry.code === 250 ? entry.reply : null;
    }
    return null;
  }

  /**
   * The SASL mechanisms the last EHLO reply offered (RFC 4954 section 3: the AUTH keyword;
   * the obsolete "AUTH=" form too), upper case; null when it offered no AUTH at all.
   */
  authMechanisms(): string[] | null {
    const reply = this.lastEhloReply();
    if (!reply) return null;
    let offered: string[] | null = null;
    // the first line is the server's greeting text, not a keyword
    for (const line of reply.split('\n').slice(1)) {
      const m = /^\d{3}[ -]AUTH(?:[ =](.*))?$/i.exec(line.trim());
      if (m) offered = [...new Set([...(offered ?? []), ...(m[1] ?? '').split(/[\s=]+/).filter(Boolean).map((x) => x.toUpperCase())])];
    }
    return offered;
  }

  /**
   * The refusal the session ended on: when the last replies received were all negative
   * (4xx/5xx), the first of them (a refused MAIL is followed by 503s for the pipelined RCPT
   * and DATA; the cause is the first). Null when the last reply was positive, or there was none.
   */
  endingRefusal(): AnsweredCommand | null {
    let first: AnsweredCommand | null = null;
    for (let i = this.answered.length - 1; i >= 0; i--) {
      const entry = this.answered[i]!;
      if (entry.code < 400) break;
      first = entry;
    }
    return first;
  }

  /**
   * The recipients the server judged and refused, with its reply, in the order they were sent.
   * A RCPT answered after the transaction's MAIL was refused was never judged (with PIPELINING
   * its "503 need MAIL" only echoes the refused MAIL), so it is left out.
   */
  refusedRecipients(): Array<{ recipient: string; reply: string }> {
    return this.judgedRecipients().filter((e) => e.code >= 400).map((e) => ({ recipient: e.recipient ?? '', reply: e.reply }));
  }

  private judgedRecipients(): AnsweredCommand[] {
    const judged: AnsweredCommand[] = [];
    let mailAccepted = false;
    for (const entry of this.answered) {
      if (entry.stage === 'MAIL FROM') mailAccepted = entry.code >= 200 && entry.code < 300;
      else if (entry.stage === 'RCPT TO' && mailAccepted) judged.push(entry);
    }
    return judged;
  }
}
