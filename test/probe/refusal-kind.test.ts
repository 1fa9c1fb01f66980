// The refusal classifier against the replies real MTAs give the relay test, as printed by their
// default configurations (Postfix smtpd.c / smtpd_check.c, Exim smtp_in.c, configure.default and
// Debian's exim4.conf.template, Sendmail proto.m4 and srvrsmtp.c, OpenSMTPD lka_session.c,
// Haraka connection.js, Microsoft's NDR pages) and by common policy add-ons (postgrey,
// milter-greylist, RBL checks). Each row names the MTA and the cause the table must recognize.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyRefusal, type RefusalKind } from '../../src/probe/refusal-kind.ts';
import type { ReplyFact } from '../../src/probe/types.ts';

function reply(text: string): ReplyFact {
  const lines = text.split('\n');
  const texts = lines.map((l) => l.slice(4));
  return { code: Number(lines[0]!.slice(0, 3)), enhanced: /^([245])\.\d{1,3}\.\d{1,3}\b/.exec(texts[0] ?? '')?.[0] ?? null, lines: texts };
}

interface Row { mta: string; reply: string; command: 'MAIL' | 'RCPT'; kind: RefusalKind; temporary?: boolean }

const ROWS: Row[] = [
  // relay refusals: the answer a closed server gives, whatever its code class
  { mta: 'Postfix reject_unauth_destination', reply: '554 5.7.1 <relay-test@example.org>: Relay access denied', command: 'RCPT', kind: 'relay-denied', temporary: false },
  { mta: 'Postfix defer_unauth_destination (the default smtpd_relay_restrictions)', reply: '454 4.7.1 <relay-test@example.org>: Relay access denied', command: 'RCPT', kind: 'relay-denied', temporary: true },
  { mta: 'Exim configure.default / Debian exim4-config', reply: '550 relay not permitted', command: 'RCPT', kind: 'relay-denied' },
  { mta: 'Exim, an ACL deny without a message', reply: '550 Administrative prohibition', command: 'RCPT', kind: 'relay-denied' },
  { mta: 'Sendmail proto.m4', reply: '550 5.7.1 <relay-test@example.org>... Relaying denied', command: 'RCPT', kind: 'relay-denied' },
  { mta: 'Sendmail proto.m4 with AUTH configured', reply: '550 5.7.1 <relay-test@example.org>... Relaying denied. Proper authentication required.', command: 'RCPT', kind: 'relay-denied' },
  { mta: 'Haraka, no plugin vouched for the recipient', reply: '550 I cannot deliver mail for <relay-test@example.org>', command: 'RCPT', kind: 'relay-denied' },
  { mta: 'Exchange Online', reply: '550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain', command: 'RCPT', kind: 'relay-denied' },
  { mta: 'Exchange', reply: '550 5.7.1 Unable to relay', command: 'RCPT', kind: 'relay-denied' },
  { mta: 'smtp-server (this repository\'s fixture MTAs)', reply: '554 5.7.1 <relay-test@example.org>: relaying denied', command: 'RCPT', kind: 'relay-denied' },

  // what the forms run into besides the relay refusal
  { mta: 'Exim (Debian CHECK_RCPT_REMOTE_LOCALPARTS: %-hack, bang paths)', reply: '550 restricted characters in address', command: 'RCPT', kind: 'recipient-syntax' },
  { mta: 'Exim, a domain-literal sender', reply: '501 <relay-test@[203.0.113.125]>: domain literals not allowed', command: 'MAIL', kind: 'sender-refused' },
  { mta: 'Exim, RCPT after the refused MAIL', reply: '503 sender not yet given', command: 'RCPT', kind: 'protocol' },
  { mta: 'Exim, smtp_max_synprot_errors reached', reply: '421 mx.example.com: Too many syntax or protocol errors', command: 'RCPT', kind: 'protocol', temporary: true },
  { mta: 'Sendmail, RCPT after the refused MAIL', reply: '503 5.0.0 Need MAIL before RCPT', command: 'RCPT', kind: 'protocol' },
  { mta: 'Sendmail, a sender domain that does not resolve', reply: '553 5.1.8 <relay-test@example.net>... Domain of sender address relay-test@example.net does not exist', command: 'MAIL', kind: 'sender-refused' },
  { mta: 'Postfix, the error tarpit gives up', reply: '421 4.7.0 mx.example.com Error: too many errors', command: 'RCPT', kind: 'protocol' },
  { mta: 'Postfix, a sender domain without DNS', reply: '450 4.1.8 <relay-test@example.net>: Sender address rejected: Domain not found', command: 'RCPT', kind: 'sender-refused', temporary: true },
  { mta: 'Postfix, a bad recipient address', reply: '501 5.1.3 Bad recipient address syntax', command: 'RCPT', kind: 'recipient-syntax' },
  { mta: 'Postfix, an unknown local user (the accepts-all check)', reply: '550 5.1.1 <smtp-audit-no-such-user-1a2b3c4d5e@example.com>: Recipient address rejected: User unknown in local recipient table', command: 'RCPT', kind: 'recipient-refused' },
  { mta: 'OpenSMTPD, no rule matched', reply: '550 Invalid recipient: <relay-test@example.org>', command: 'RCPT', kind: 'recipient-refused' },
  { mta: 'Postfix, AUTH needed before MAIL', reply: '530 5.7.0 Authentication required', command: 'MAIL', kind: 'auth-required' },
  { mta: 'Postfix smtpd_tls_security_level = encrypt', reply: '530 5.7.0 Must issue a STARTTLS command first', command: 'MAIL', kind: 'tls-required' },
  { mta: 'Exchange Online', reply: '530 5.7.57 Client not authenticated to send mail. [AM6PR0732CA0012.eurprd07.prod.outlook.com]', command: 'MAIL', kind: 'auth-required' },
  { mta: 'postgrey', reply: '450 4.2.0 <relay-test@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html', command: 'RCPT', kind: 'greylisted', temporary: true },
  { mta: 'milter-greylist', reply: '451 4.7.1 Greylisting in action, please come back in 00:05:00', command: 'RCPT', kind: 'greylisted' },
  { mta: 'Postfix reject_rbl_client', reply: '554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.10', command: 'RCPT', kind: 'blocklisted' },
  { mta: 'Postfix anvil', reply: '421 4.7.0 mx.example.org Error: too many connections from 192.0.2.10', command: 'MAIL', kind: 'rate-limited' },
  { mta: 'Postfix smtpd_recipient_limit', reply: '452 4.5.3 Error: too many recipients', command: 'RCPT', kind: 'rate-limited' },
  { mta: 'Postfix check_recipient_access', reply: '554 5.7.1 <relay-test@example.org>: Recipient address rejected: Access denied', command: 'RCPT', kind: 'recipient-refused' },
];

for (const row of ROWS) {
  test(`${row.mta}: "${row.reply.slice(0, 70)}" -> ${row.kind}`, () => {
    const r = classifyRefusal(reply(row.reply), row.command);
    assert.equal(r?.kind, row.kind, r?.cause);
    if (row.temporary !== undefined) assert.equal(r?.temporary, row.temporary);
  });
}

test('replies that refuse nothing are not refusals', () => {
  assert.equal(classifyRefusal(reply('250 2.1.5 Ok'), 'RCPT'), null);
  assert.equal(classifyRefusal(reply('354 End data with <CR><LF>.<CR><LF>')), null);
  assert.equal(classifyRefusal(null), null);
});

test('Exim\'s "Administrative prohibition" at MAIL refuses the sender, not relaying', () => {
  assert.equal(classifyRefusal(reply('550 Administrative prohibition'), 'MAIL')?.kind, 'sender-refused');
});
