// The hint table against real replies: the wording Postfix, Exim, Sendmail, Gmail and Microsoft
// (Outlook.com, Exchange Online) use for each common cause, as documented in their manuals and
// support pages (Gmail: "Gmail SMTP errors and codes"; Microsoft: the Exchange Online NDR
// pages, 5.7.54, 5.7.139, 5.7.606-649; Postfix: smtpd's reject texts; Exim and Sendmail: their
// default ACL and m4 messages; greylisting: postgrey, milter-greylist, greylistd). IP addresses
// are documentation addresses (RFC 5737). Each row names the cause the table must recognize.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { causeOf, hintFor, type HintContext } from '../../src/send/failure-hints.ts';
import type { SessionFailure } from '../../src/send/smtp-delivery.ts';

const CONTEXT: HintContext = { port: 587, tls: 'starttls', verifyCert: false, auth: true, authenticated: false, encrypted: true };

interface Row { source: string; reply: string; command: string; code?: string; cause: string }

const AUTH_FAILED = 'authentication failed (535, 534)';
const RELAY = 'relay denied (554 5.7.1 Relay access denied, 550 relay not permitted, 5.7.54, Administrative prohibition)';
const BLOCKLIST = 'blocklisted sending IP (blocked using, black list, listed at, banned sending IP, S3150)';
const SPAM = 'spam or content rejection (550 5.7.1 spam, unsolicited, 5.7.350)';
const GREYLIST = 'greylisting (450/451 4.7.1 greylisted, try again later)';

const ROWS: Row[] = [
  // authentication failed
  { source: 'Postfix (Dovecot SASL)', reply: '535 5.7.8 Error: authentication failed: authentication failure', command: 'AUTH', code: 'EAUTH', cause: AUTH_FAILED },
  { source: 'Exim', reply: '535 Incorrect authentication data', command: 'AUTH', code: 'EAUTH', cause: AUTH_FAILED },
  { source: 'Sendmail', reply: '535 5.7.0 authentication failed', command: 'AUTH', code: 'EAUTH', cause: AUTH_FAILED },
  { source: 'Gmail', reply: '535-5.7.8 Username and Password not accepted. For more information, go to\n535 5.7.8  https://support.google.com/mail/?p=BadCredentials', command: 'AUTH', code: 'EAUTH', cause: AUTH_FAILED },
  { source: 'Outlook', reply: '535 5.7.3 Authentication unsuccessful [DB8PR09CA0012.eurprd09.prod.outlook.com]', command: 'AUTH', code: 'EAUTH', cause: AUTH_FAILED },
  { source: 'Gmail', reply: '534-5.7.9 Application-specific password required. For more information, go to\n534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor', command: 'AUTH', code: 'EAUTH', cause: 'authentication failed: app password needed (534 5.7.9, 5.7.14)' },
  { source: 'Outlook', reply: '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.', command: 'AUTH', code: 'EAUTH', cause: 'authentication failed: SMTP AUTH disabled for the account (535 5.7.139)' },
  { source: 'Postfix', reply: '454 4.7.0 Temporary authentication failure: Connection lost to authentication server', command: 'AUTH', code: 'EAUTH', cause: 'authentication failed: temporary (454 4.7.0)' },
  { source: 'Gmail', reply: '530-5.7.0 Authentication Required. For more information, go to\n530 5.7.0  https://support.google.com/mail/?p=WantAuthError', command: 'MAIL FROM', cause: 'authentication required (530 5.7.0, 5.7.57)' },
  { source: 'Outlook', reply: '530 5.7.57 Client not authenticated to send mail. [AM6PR0732CA0012.eurprd07.prod.outlook.com]', command: 'MAIL FROM', cause: 'authentication required (530 5.7.0, 5.7.57)' },
  { source: 'Postfix', reply: '530 5.7.0 Must issue a STARTTLS command first', command: 'MAIL FROM', cause: 'TLS required first (530 Must issue a STARTTLS command first)' },

  // relay denied
  { source: 'Postfix', reply: '554 5.7.1 <bob@example.org>: Relay access denied', command: 'RCPT TO', cause: RELAY },
  { source: 'Postfix (defer_unauth_destination)', reply: '454 4.7.1 <bob@example.org>: Relay access denied', command: 'RCPT TO', cause: RELAY },
  { source: 'Exim', reply: '550 relay not permitted', command: 'RCPT TO', cause: RELAY },
  { source: 'Exim', reply: '550 Administrative prohibition', command: 'RCPT TO', cause: RELAY },
  { source: 'Sendmail', reply: '550 5.7.1 <bob@example.org>... Relaying denied. Proper authentication required.', command: 'RCPT TO', cause: RELAY },
  { source: 'Outlook', reply: '550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain', command: 'RCPT TO', cause: RELAY },
  { source: 'Exchange', reply: '550 5.7.1 Unable to relay', command: 'RCPT TO', cause: RELAY },

  // blocklisted sending IP
  { source: 'Postfix (reject_rbl_client)', reply: '554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.10', command: 'RCPT TO', cause: BLOCKLIST },
  { source: 'Postfix (Barracuda list)', reply: '554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using b.barracudacentral.org; http://www.barracudanetworks.com/reputation/?pr=1&ip=192.0.2.10', command: 'RCPT TO', cause: BLOCKLIST },
  { source: 'Exim (Debian dnslists ACL)', reply: '550-rejected because 192.0.2.10 is in a black list at zen.spamhaus.org\n550 https://www.spamhaus.org/query/ip/192.0.2.10', command: 'RCPT TO', cause: BLOCKLIST },
  { source: 'Sendmail (FEATURE dnsbl)', reply: '550 5.7.1 Rejected: 192.0.2.10 listed at zen.spamhaus.org', command: 'MAIL FROM', cause: BLOCKLIST },
  { source: 'Outlook', reply: '550 5.7.606 Access denied, banned sending IP [192.0.2.10]. To request removal from this list please visit https://sender.office.com/ and follow the directions. For more information please go to http://go.microsoft.com/fwlink/?LinkID=526655', command: 'RCPT TO', cause: BLOCKLIST },
  { source: 'Outlook.com', reply: "550 5.7.1 Unfortunately, messages from [192.0.2.10] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors.", command: 'MAIL FROM', cause: BLOCKLIST },
  { source: 'Gmail', reply: "550-5.7.1 [192.0.2.10] The IP you're using to send mail is not authorized to\n550-5.7.1 send email directly to our servers. Please use the SMTP relay at your\n550 5.7.1 service provider instead.", command: 'RCPT TO', cause: BLOCKLIST },
  { source: 'Gmail', reply: '421-4.7.0 [192.0.2.10] Our system has detected an unusual rate of\n421-4.7.0 unsolicited mail originating from your IP address. To protect our\n421 4.7.0 users from spam, mail sent from your IP address has been temporarily rate limited.', command: 'END OF DATA', cause: BLOCKLIST },

  // spam or content
  { source: 'Gmail', reply: '550-5.7.1 [192.0.2.10] Our system has detected that this message is\n550-5.7.1 likely unsolicited mail. To reduce the amount of spam sent to Gmail,\n550-5.7.1 this message has been blocked. For more information, go to\n550 5.7.1  https://support.google.com/mail/?p=UnsolicitedMessageError', command: 'END OF DATA', code: 'EMESSAGE', cause: SPAM },
  { source: 'Postfix (amavis)', reply: '554 5.7.0 Reject, id=12345-01 - spam', command: 'END OF DATA', code: 'EMESSAGE', cause: SPAM },
  { source: 'Exim (SpamAssassin ACL)', reply: '550 Rejected: this message scored 12.4 spam points', command: 'END OF DATA', code: 'EMESSAGE', cause: SPAM },
  { source: 'Outlook', reply: '550 5.7.350 Remote server returned message detected as spam', command: 'END OF DATA', code: 'EMESSAGE', cause: SPAM },
  { source: 'Sendmail (milter)', reply: '554 5.7.1 Message rejected under suspicion of SPAM', command: 'END OF DATA', code: 'EMESSAGE', cause: SPAM },

  // greylisting
  { source: 'Postfix (postgrey)', reply: '450 4.2.0 <bob@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html', command: 'RCPT TO', cause: GREYLIST },
  { source: 'Sendmail (milter-greylist)', reply: '451 4.7.1 Greylisting in action, please come back in 00:05:00', command: 'RCPT TO', cause: GREYLIST },
  { source: 'Exim (greylistd)', reply: '451 192.0.2.10 is not yet authorized to deliver mail from <alice@example.com> to <bob@example.org>. Please try later.', command: 'RCPT TO', cause: GREYLIST },
  { source: 'Postfix (Plesk greylisting milter)', reply: '451 4.7.1 Service unavailable - try again later', command: 'END OF DATA', code: 'EMESSAGE', cause: GREYLIST },

  // the other common causes, and the neighbours the table must not confuse
  { source: 'Postfix', reply: '552 5.3.4 Message size exceeds fixed limit', command: 'END OF DATA', code: 'EMESSAGE', cause: 'message too big (552 5.3.4, 5.2.3, or above the SIZE the server announced)' },
  { source: 'Exim', reply: '552 Message size exceeds maximum permitted', command: 'MAIL FROM', cause: 'message too big (552 5.3.4, 5.2.3, or above the SIZE the server announced)' },
  { source: 'Sendmail', reply: '552 5.2.3 Message size exceeds maximum value', command: 'MAIL FROM', cause: 'message too big (552 5.3.4, 5.2.3, or above the SIZE the server announced)' },
  { source: 'Gmail', reply: "552-5.2.3 Your message exceeded Google's message size limits. For more information, visit\n552 5.2.3  https://support.google.com/mail/?p=MaxSizeError", command: 'END OF DATA', code: 'EMESSAGE', cause: 'message too big (552 5.3.4, 5.2.3, or above the SIZE the server announced)' },
  { source: 'Gmail', reply: '452-4.2.2 The email account that you tried to reach is over quota. Please direct\n452 4.2.2 the recipient to https://support.google.com/mail/?p=OverQuotaTemp', command: 'RCPT TO', cause: 'recipient mailbox full (452 4.2.2, 552 5.2.2)' },
  { source: 'Postfix', reply: '550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in virtual mailbox table', command: 'RCPT TO', cause: 'unknown recipient (550 5.1.1)' },
  { source: 'Gmail', reply: "550-5.1.1 The email account that you tried to reach does not exist. Please try\n550 5.1.1 double-checking the recipient's email address for typos", command: 'RCPT TO', cause: 'unknown recipient (550 5.1.1)' },
  { source: 'Exchange Online', reply: '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient bob@example.org not found by SMTP address lookup', command: 'RCPT TO', cause: 'unknown recipient (550 5.1.1)' },
  { source: 'Exim', reply: '550 Unrouteable address', command: 'RCPT TO', cause: 'unknown recipient (550 5.1.1)' },
  { source: 'Postfix', reply: '554 5.7.1 <bob@example.org>: Recipient address rejected: Access denied', command: 'RCPT TO', cause: 'recipient refused' },
  { source: 'Postfix', reply: '450 4.7.1 Client host rejected: cannot find your hostname, [192.0.2.10]', command: 'RCPT TO', cause: 'PTR / host name checks (450 4.7.1 cannot find your hostname, 550 5.7.25)' },
  { source: 'Gmail', reply: '550-5.7.25 [192.0.2.10] The IP address sending this message does not have a\n550-5.7.25 PTR record setup, or the corresponding forward DNS entry does not\n550 5.7.25 point to the sending IP.', command: 'END OF DATA', code: 'EMESSAGE', cause: 'PTR / host name checks (450 4.7.1 cannot find your hostname, 550 5.7.25)' },
  { source: 'Gmail', reply: "550-5.7.26 Unauthenticated email from example.com is not accepted due to\n550 5.7.26 domain's DMARC policy.", command: 'END OF DATA', code: 'EMESSAGE', cause: 'SPF / DKIM / DMARC failure (5.7.23, 5.7.26, 5.7.27, 5.7.509)' },
  { source: 'Outlook', reply: '550 5.7.509 Access denied, sending domain example.com does not pass DMARC verification and has a DMARC policy of reject.', command: 'END OF DATA', code: 'EMESSAGE', cause: 'SPF / DKIM / DMARC failure (5.7.23, 5.7.26, 5.7.27, 5.7.509)' },
  { source: 'Gmail', reply: '450-4.2.1 The user you are trying to contact is receiving mail at a rate that\n450 4.2.1 prevents additional messages from being delivered.', command: 'RCPT TO', cause: 'too many connections, rate limited (421, 450 4.2.1, 452 4.5.3)' },
  { source: 'Postfix (anvil)', reply: '421 4.7.0 mx.example.org Error: too many connections from 192.0.2.10', command: 'CONN', cause: 'too many connections, rate limited (421, 450 4.2.1, 452 4.5.3)' },
  { source: 'Microsoft', reply: '451 4.7.500 Server busy. Please try again later from [192.0.2.10]. (S77714)', command: 'RCPT TO', cause: 'too many connections, rate limited (421, 450 4.2.1, 452 4.5.3)' },
  { source: 'Postfix', reply: '450 4.1.8 <alice@nonexistent.example>: Sender address rejected: Domain not found', command: 'RCPT TO', cause: 'sender address refused (5.1.7, 5.1.8)' },
  { source: 'Postfix (postscreen)', reply: '550 5.3.2 Service currently unavailable', command: 'CONN', cause: 'refused at the greeting or EHLO (554)' },
];

for (const row of ROWS) {
  test(`${row.source}: "${row.reply.split('\n')[0]!.slice(0, 70)}" -> ${row.cause}`, () => {
    const failure: SessionFailure = { kind: 'rejected', code: row.code ?? 'EENVELOPE', message: 'x', reply: row.reply, command: row.command };
    assert.equal(causeOf(failure, CONTEXT), row.cause);
  });
}

test('the hints name the real cause and what to do', () => {
  const hint = (reply: string, command: string, context: Partial<HintContext> = {}, code = 'EENVELOPE') =>
    hintFor({ kind: 'rejected', code, message: 'x', reply, command }, { ...CONTEXT, ...context }) ?? '';
  const spamhaus = hint('554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.10', 'RCPT TO');
  assert.match(spamhaus, /blocklist/);
  assert.match(spamhaus, /https:\/\/www\.spamhaus\.org\/query\/ip\/192\.0\.2\.10/, 'points at the list\'s own page');
  assert.match(spamhaus, /delisting/);
  assert.match(hint('550 relay not permitted', 'RCPT TO', { auth: false }), /refused to relay: .*--auth/);
  assert.match(hint('550 relay not permitted', 'RCPT TO', { authenticated: true }), /although you logged in/);
  assert.match(hint('451 4.7.1 Greylisting in action, please come back in 00:05:00', 'RCPT TO'), /greylisting: .*Send again in 5 to 15 minutes/);
  assert.match(hint('535 5.7.8 Error: authentication failed: authentication failure', 'AUTH', {}, 'EAUTH'), /SMTP_AUDIT_PASSWORD/);
  assert.match(hint('534-5.7.9 Application-specific password required.\n534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor', 'AUTH', {}, 'EAUTH'), /app password/);
  assert.match(hint('550 5.7.350 Remote server returned message detected as spam', 'END OF DATA', {}, 'EMESSAGE'), /spam.*--dkim-key/);
});

test('failures without a reply: timeouts by stage, the reply-size limit, our own stops', () => {
  const cause = (code: string, command: string | null, context: Partial<HintContext> = {}, message = 'x') =>
    causeOf({ kind: 'network', code, message, reply: null, command }, { ...CONTEXT, ...context });
  assert.equal(cause('ETIMEDOUT', 'CONNECT', { port: 25 }), 'no answer to connect on port 25 (timeout)');
  assert.equal(cause('ETIMEDOUT', 'CONNECT'), 'no answer to connect (timeout)');
  assert.equal(cause('ETIMEDOUT', 'CONN', { port: 465 }), 'no greeting on port 465 without --tls implicit (timeout)');
  assert.equal(cause('ETIMEDOUT', 'CONN', { port: 465, tls: 'implicit' }), 'no greeting (timeout)');
  assert.equal(cause('ETIMEDOUT', 'END OF DATA'), 'no reply to the end of the message (timeout)');
  assert.equal(cause('ETIMEDOUT', 'RCPT TO'), 'a command got no reply (timeout)');
  assert.match(hintFor({ kind: 'network', code: 'ETIMEDOUT', message: 'x', reply: null, command: 'RCPT TO' }, CONTEXT)!, /stopped answering after RCPT TO/);
  // nodemailer's own words for its reply-size limit never read as a message that is too big
  assert.equal(cause('EREPLYSIZE', 'MAIL FROM', {}, 'Server response exceeds maximum allowed size'), 'a reply over our reply-size limit');
  assert.equal(cause('EPROTOCOL', 'CONN', {}, 'Server response exceeds maximum allowed size'), null);
  assert.equal(cause('ENOTLS', 'AUTH'), 'AUTH would have been unencrypted');
  assert.equal(cause('ENOAUTH', 'AUTH'), 'AUTH not offered');
  assert.equal(cause('ECONNRESET', 'CONN', {}, 'unable to verify the first certificate'), 'untrusted certificate');
});
