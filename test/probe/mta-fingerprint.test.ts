// The MTA fingerprint against real replies: greetings, EHLO answers and refusals as each MTA
// prints them by default, copied from the MTAs' sources and manuals and from published session
// transcripts (the origin is named on each row). Host names and client addresses are left as
// published or replaced by documentation names; the reply texts themselves are verbatim.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeMta, fingerprintMta, mtaOf, observationsOf, type MtaObservation } from '../../src/probe/mta-fingerprint.ts';
import type { MtaFingerprint, ReplyFact, SmtpAddressProbe } from '../../src/probe/types.ts';

/** "250-a\n250-b\n250 c" -> a ReplyFact, the way the reply reader hands it over. */
function reply(text: string): ReplyFact {
  const lines = text.split('\n');
  const code = Number(lines[0]!.slice(0, 3));
  const texts = lines.map((l) => l.slice(4));
  const enhanced = /^([245])\.\d{1,3}\.\d{1,3}\b/.exec(texts[0] ?? '')?.[0] ?? null;
  return { code, enhanced, lines: texts };
}
const seen = (...pairs: Array<[string, string]>): MtaObservation[] => pairs.map(([source, text]) => ({ source, reply: reply(text) }));

interface Row {
  origin: string;
  observations: MtaObservation[];
  expect: Partial<MtaFingerprint>;
}

const POSTFIX_EHLO = '250-mail.example.com\n250-PIPELINING\n250-SIZE 10240000\n250-VRFY\n250-ETRN\n250-STARTTLS\n250-ENHANCEDSTATUSCODES\n250-8BITMIME\n250-DSN\n250-SMTPUTF8\n250 CHUNKING';
const EXCHANGE_EHLO = '250-mail1.fabrikam.com Hello [172.16.0.5]\n250-SIZE 37748736\n250-PIPELINING\n250-DSN\n250-ENHANCEDSTATUSCODES\n250-STARTTLS\n250-X-ANONYMOUSTLS\n250-AUTH NTLM\n250-X-EXPS GSSAPI NTLM\n250-8BITMIME\n250-BINARYMIME\n250-CHUNKING\n250 XRDST';
const OPENSMTPD_EHLO = '250-cun.bsdsx.fr Hello localhost [::1], pleased to meet you\n250-8BITMIME\n250-ENHANCEDSTATUSCODES\n250-SIZE 36700160\n250-DSN\n250 HELP';
const SENDMAIL_EHLO = '250-lab2.campus Hello lab1.campus [10.0.3.134], pleased to meet you\n250-ENHANCEDSTATUSCODES\n250-PIPELINING\n250-8BITMIME\n250-SIZE\n250-DSN\n250-ETRN\n250-DELIVERBY\n250 HELP';
const EXIM_EHLO = '250-mx.example.com Hello probe.smtp-audit.invalid [192.0.2.1]\n250-SIZE 52428800\n250-8BITMIME\n250-PIPELINING\n250-PIPE_CONNECT\n250-PRDR\n250 HELP';

const ROWS: Row[] = [
  // Postfix
  {
    origin: 'Postfix on Debian, default smtpd_banner (a published telnet session)',
    observations: seen(['banner', '220 mail.example.com ESMTP Postfix (Debian/GNU)'], ['EHLO', POSTFIX_EHLO], ['MAIL', '250 2.1.0 Ok'], ['RCPT', '250 2.1.5 Ok'], ['QUIT', '221 2.0.0 Bye']),
    expect: { family: 'postfix', version: null, platform: 'Debian/GNU', confidence: 'high', source: 'banner', evidence: '220 mail.example.com ESMTP Postfix (Debian/GNU)' },
  },
  {
    origin: 'Postfix on Ubuntu',
    observations: seen(['banner', '220 mail.example.com ESMTP Postfix (Ubuntu)']),
    expect: { family: 'postfix', platform: 'Ubuntu', confidence: 'high' },
  },
  {
    origin: 'postconf(5) smtpd_banner example: $myhostname ESMTP $mail_name ($mail_version)',
    observations: seen(['banner', '220 mx.example.org ESMTP Postfix (3.7.11)']),
    expect: { family: 'postfix', version: '3.7.11', platform: null, confidence: 'high' },
  },
  {
    origin: 'Postfix with the name hidden from the banner; MAIL and RCPT as smtpd.c and defer_unauth_destination answer (HTB "Trick" transcript)',
    observations: seen(['banner', '220 debian.localdomain ESMTP'], ['EHLO', POSTFIX_EHLO], ['MAIL', '250 2.1.0 Ok'], ['RCPT', '454 4.7.1 <fake@fake.com>: Relay access denied'], ['QUIT', '221 2.0.0 Bye']),
    expect: { family: 'postfix', version: null, confidence: 'medium', source: 'MAIL', evidence: '250 2.1.0 Ok' },
  },
  {
    origin: 'Postfix hidden, only the relay refusal (reject_unauth_destination, 554 5.7.1)',
    observations: seen(['banner', '220 mx.example.org ESMTP'], ['RCPT', '554 5.7.1 <relay-test@example.org>: Relay access denied']),
    expect: { family: 'postfix', confidence: 'medium', source: 'RCPT' },
  },

  // Exim
  {
    origin: 'Exim 4.96 on Debian 12: default smtp_banner, EHLO with PIPE_CONNECT and PRDR (Debian enables prdr_enable), STARTTLS from tls-gnu.c',
    observations: seen(['banner', '220 mx.example.com ESMTP Exim 4.96 Fri, 04 Dec 2026 05:00:06 +0000'], ['EHLO', EXIM_EHLO], ['STARTTLS', '220 TLS go ahead'], ['RCPT', '550 relay not permitted'], ['QUIT', '221 mx.example.com closing connection']),
    expect: { family: 'exim', version: '4.96', platform: null, confidence: 'high', source: 'banner' },
  },
  {
    origin: 'Exim 4.96.2 with a cPanel-style banner (build number, second greeting line)',
    observations: seen(['banner', '220-smtp.example.com.br ESMTP Exim 4.96.2 #1 Fri, 19 Jun 2026 10:00:00 -0300\n220-We do not authorize the use of this system to transport unsolicited, \n220 and/or bulk e-mail.']),
    expect: { family: 'exim', version: '4.96.2', confidence: 'high' },
  },
  {
    origin: 'Exim on Ubuntu, whose package shows the distribution in the banner (a published TryHackMe session, with its HELO reply)',
    observations: seen(['banner', '220 example.thm ESMTP Exim 4.95 Ubuntu Sat, 10 May 2025 16:11:28 +0000'], ['HELO', '250 example.thm Hello client.thm [10.10.151.56]']),
    expect: { family: 'exim', version: '4.95', platform: 'Ubuntu', confidence: 'high' },
  },
  {
    origin: 'Exim on Debian with the banner Debian\'s exim4.conf.template offers (MAIN_SMTP_BANNER with the package version)',
    observations: seen(['banner', '220 mx.example.com ESMTP Exim 4.96 (Debian package 4.96-15+deb12u2) Fri, 04 Dec 2026 05:00:06 +0000']),
    expect: { family: 'exim', version: '4.96', platform: 'Debian package 4.96-15+deb12u2', confidence: 'high' },
  },
  {
    origin: 'Exim 4.90_1 on Ubuntu 18.04 (HTB "FriendZone")',
    observations: seen(['banner', '220 FriendZone ESMTP Exim 4.90_1 Ubuntu Sat, 19 Aug 2023 04:08:47 +0300']),
    expect: { family: 'exim', version: '4.90_1', platform: 'Ubuntu' },
  },
  {
    origin: 'Exim behind a neutral banner: its HELO reply alone is a weak hint',
    observations: seen(['banner', '220 example.thm ESMTP'], ['HELO', '250 example.thm Hello client.thm [10.10.151.56]']),
    expect: { family: 'exim', confidence: 'low', source: 'HELO' },
  },
  {
    origin: 'Exim with smtp_banner changed: the default ACL relay refusal of configure.default',
    observations: seen(['banner', '220 mx.example.com ESMTP'], ['MAIL', '250 OK'], ['RCPT', '550 relay not permitted']),
    expect: { family: 'exim', confidence: 'medium', source: 'RCPT', evidence: '550 relay not permitted' },
  },
  {
    origin: 'Exim: an ACL deny without a message (smtp_in.c "Administrative prohibition")',
    observations: seen(['banner', '220 mx.example.com ESMTP'], ['RCPT', '550 Administrative prohibition']),
    expect: { family: 'exim', confidence: 'medium' },
  },
  {
    origin: 'Exim with the banner changed: its STARTTLS reply and EHLO keywords',
    observations: seen(['banner', '220 mx.example.com ESMTP ready'], ['EHLO', EXIM_EHLO], ['STARTTLS', '220 TLS go ahead']),
    expect: { family: 'exim', confidence: 'medium', source: 'EHLO', evidence: '250 PIPE_CONNECT' },
  },

  // Sendmail
  {
    origin: 'Sendmail 8.17 on Debian 12: SmtpGreetingMessage "$j Sendmail $v/$Z; $b"',
    observations: seen(['banner', '220 mx.example.com ESMTP Sendmail 8.17.1.9/8.17.1.9/Debian-2+deb12u2; Fri, 4 Dec 2026 05:00:06 GMT; (No UCE/UBE) logging access from: probe.smtp-audit.invalid(OK)-probe [192.0.2.1]']),
    expect: { family: 'sendmail', version: '8.17.1.9', platform: 'Debian-2+deb12u2', confidence: 'high' },
  },
  {
    origin: 'Sendmail 8.15.2 (a published lab transcript), with its EHLO, MAIL, RCPT and QUIT replies',
    observations: seen(['banner', '220 lab2.campus ESMTP Sendmail 8.15.2/8.15.2; Sat, 16 Nov 2019 00:16:07 GMT'], ['EHLO', SENDMAIL_EHLO], ['MAIL', '250 2.1.0 emma@lab1.campus... Sender ok'], ['RCPT', '250 2.1.5 dave@lab2.campus... Recipient ok'], ['QUIT', '221 2.0.0 lab2.campus closing connection']),
    expect: { family: 'sendmail', version: '8.15.2', platform: null, confidence: 'high' },
  },
  {
    origin: 'Sendmail with its version hidden (Metasploit smtp_version sample output)',
    observations: seen(['banner', '220 smtpsrv.example.com ESMTP Sendmail; Thu, 3 Mar 2016 18:22:39 +0530']),
    expect: { family: 'sendmail', version: null, confidence: 'high' },
  },
  {
    origin: 'Sendmail with confSMTP_LOGIN_MSG changed: EHLO keywords and the proto.m4 relay refusal',
    observations: seen(['banner', '220 mx.example.com ESMTP'], ['EHLO', SENDMAIL_EHLO], ['MAIL', '250 2.1.0 <>... Sender ok'], ['RCPT', '550 5.7.1 <relay-test@example.org>... Relaying denied']),
    expect: { family: 'sendmail', confidence: 'medium', source: 'EHLO' },
  },

  // OpenSMTPD
  {
    origin: 'OpenSMTPD: SMTPD_BANNER and its EHLO, MAIL, RCPT and QUIT replies (a published session)',
    observations: seen(['banner', '220 cun.bsdsx.fr ESMTP OpenSMTPD'], ['EHLO', OPENSMTPD_EHLO], ['MAIL', '250 2.0.0 Ok'], ['RCPT', '550 Invalid recipient: <root@cun.bsdsx.fr>'], ['QUIT', '221 2.0.0 Bye']),
    expect: { family: 'opensmtpd', version: null, confidence: 'high', evidence: '220 cun.bsdsx.fr ESMTP OpenSMTPD' },
  },
  {
    origin: 'OpenSMTPD behind a banner that hides it: the EHLO keyword set, not Sendmail (no PIPELINING)',
    observations: seen(['banner', '220 mx.example.org ESMTP'], ['EHLO', OPENSMTPD_EHLO], ['MAIL', '250 2.0.0 Ok'], ['RCPT', '250 2.1.5 Destination address valid: Recipient ok']),
    expect: { family: 'opensmtpd', confidence: 'medium' },
  },

  // Haraka
  {
    origin: 'Haraka 3.3.4 (connection.js: "<host> ESMTP Haraka/<version> ready")',
    observations: seen(['banner', '220 mx.example.com ESMTP Haraka/3.3.4 ready'], ['EHLO', '250-mx.example.com Hello probe.smtp-audit.invalid [192.0.2.1], Haraka is at your service.\n250-PIPELINING\n250-8BITMIME\n250-SMTPUTF8\n250-SIZE 0\n250 STARTTLS'], ['STARTTLS', '220 Go ahead.']),
    expect: { family: 'haraka', version: '3.3.4', confidence: 'high', source: 'banner' },
  },
  {
    origin: 'Haraka 2.4 (haraka-plugin-relay README)',
    observations: seen(['banner', '220 mail.example.com ESMTP Haraka 2.4.0 ready']),
    expect: { family: 'haraka', version: '2.4.0', confidence: 'high' },
  },
  {
    origin: 'Haraka with a custom greeting: the EHLO line of config/connection.ini names it',
    observations: seen(['banner', '220 mx.example.com ESMTP Welcome'], ['EHLO', '250-mx.example.com Hello client.example [192.0.2.1], Haraka is at your service.\n250 PIPELINING'], ['RCPT', '550 I cannot deliver mail for <relay-test@example.org>'], ['QUIT', '221 mx.example.com closing connection. Have a jolly good day.']),
    expect: { family: 'haraka', version: null, confidence: 'high', source: 'EHLO' },
  },

  // Microsoft Exchange
  {
    origin: 'Exchange 2016 (learn.microsoft.com, "Use Telnet to test SMTP communication on Exchange servers")',
    observations: seen(['banner', '220 mail1.fabrikam.com Microsoft ESMTP MAIL Service ready at Fri, 5 Aug 2016 16:24:41 -0700'], ['EHLO', EXCHANGE_EHLO], ['MAIL', '250 2.1.0 Sender OK'], ['RCPT', '250 2.1.5 Recipient OK'], ['QUIT', '221 2.0.0 Service closing transmission channel']),
    expect: { family: 'exchange', version: null, confidence: 'high', source: 'banner' },
  },
  {
    origin: 'Exchange 2003 / IIS SMTP (PortQry documentation)',
    observations: seen(['banner', '220 MyMailServer.domain.example.com Microsoft ESMTP MAIL Service, Version: 6.0.3790.0 ready at Mon, 15 Dec 2003 10:24:50 -0800']),
    expect: { family: 'exchange', version: '6.0.3790.0', confidence: 'high' },
  },
  {
    origin: 'Exchange Online Protection',
    observations: seen(['banner', '220 BN1BFFO11FD038.mail.protection.outlook.com Microsoft ESMTP MAIL Service ready at Mon, 18 Apr 2016 07:36:51 +0000']),
    expect: { family: 'exchange', confidence: 'high' },
  },
  {
    origin: 'Exchange with a custom receive-connector banner: X-ANONYMOUSTLS gives it away',
    observations: seen(['banner', '220 mail.example.com'], ['EHLO', EXCHANGE_EHLO], ['STARTTLS', '220 2.0.0 SMTP server ready']),
    expect: { family: 'exchange', confidence: 'medium', source: 'EHLO', evidence: '250 X-ANONYMOUSTLS' },
  },

  // Gmail
  {
    origin: 'Gmail MX (a published session)',
    observations: seen(['banner', '220 mx.google.com ESMTP dn5si18046173pbd.244 - gsmtp'], ['EHLO', '250-mx.google.com at your service, [59.106.191.188]\n250-SIZE 35882577\n250-8BITMIME\n250-STARTTLS\n250-ENHANCEDSTATUSCODES\n250-PIPELINING\n250-CHUNKING\n250 SMTPUTF8'], ['MAIL', '250 2.1.0 OK dn5si18046173pbd.244 - gsmtp']),
    expect: { family: 'gmail', version: null, confidence: 'high', source: 'banner' },
  },

  // unknown
  {
    origin: 'a server that names nothing (smtp-server, the fixture MTAs of this repository)',
    observations: seen(['banner', '220 mx1.mx.probe.example ESMTP fixture ready'], ['EHLO', '250-mx1.mx.probe.example Nice to meet you, [127.0.0.1]\n250-PIPELINING\n250-8BITMIME\n250-SMTPUTF8\n250 STARTTLS'], ['RCPT', '554 5.7.1 <relay-test@example.org>: relaying denied'], ['QUIT', '221 Bye']),
    expect: { family: 'unknown', version: null, platform: null, confidence: 'none', source: null, evidence: '' },
  },
  {
    origin: 'texts several MTAs share are no evidence ("221 2.0.0 Bye", "Ready to start TLS")',
    observations: seen(['banner', '220 mx.example.net ESMTP'], ['STARTTLS', '220 2.0.0 Ready to start TLS'], ['QUIT', '221 2.0.0 Bye']),
    expect: { family: 'unknown', confidence: 'none' },
  },
  {
    origin: 'the banner outranks a weaker hint for another family',
    observations: seen(['banner', '220 mail.example.com ESMTP Postfix'], ['RCPT', '550 Administrative prohibition']),
    expect: { family: 'postfix', confidence: 'high', source: 'banner' },
  },
];

for (const row of ROWS) {
  test(`${row.origin} -> ${row.expect.family}`, () => {
    const fp = fingerprintMta(row.observations);
    for (const [key, value] of Object.entries(row.expect)) {
      assert.deepEqual(fp[key as keyof MtaFingerprint], value, `${key} of ${JSON.stringify(fp)}`);
    }
  });
}

test('the fingerprint is plain JSON and its evidence is a line the server sent', () => {
  for (const row of ROWS) {
    const fp = fingerprintMta(row.observations);
    assert.deepEqual(JSON.parse(JSON.stringify(fp)), fp);
    if (fp.family !== 'unknown') {
      const lines = row.observations.flatMap((o) => o.reply.lines.map((l) => `${o.reply.code} ${l}`));
      assert.ok(lines.includes(fp.evidence), `${fp.evidence} was seen`);
    }
  }
});

test('notes say how sure the fingerprint is and where it came from', () => {
  assert.equal(describeMta(fingerprintMta(ROWS[0]!.observations)), 'Postfix, Debian/GNU (from the banner: "220 mail.example.com ESMTP Postfix (Debian/GNU)")');
  assert.equal(describeMta(fingerprintMta(seen(['RCPT', '550 relay not permitted']))), 'probably Exim (from the RCPT reply: "550 relay not permitted")');
  assert.equal(describeMta(fingerprintMta(seen(['QUIT', '221 mx.example.com closing connection']))), 'possibly Exim (from the QUIT reply: "221 mx.example.com closing connection")');
  assert.match(describeMta(fingerprintMta([])), /not recognised/);
});

/** A probe as the collector records it, with only what the fingerprint reads. */
function probeWith(parts: Partial<SmtpAddressProbe>): SmtpAddressProbe {
  return {
    address: '192.0.2.10', family: 4, hosts: ['mx.example.com'], port: 25, destination: '192.0.2.10:25', startedAt: '2026-12-04T05:00:00.000Z',
    durationMs: 10, outcome: 'completed', error: null, banner: null, bannerHost: null, ehlo: null,
    starttls: { offered: false, outcome: 'not-offered', reply: null, error: null }, tls: null, ehloTls: null, versions: null,
    relay: null, relayNotRun: null, steps: [], transcript: { purpose: 'main session', entries: [] }, otherTranscripts: [], ...parts,
  };
}

test('observationsOf reads the banner, EHLO, STARTTLS, the relay replies and the 221 after our QUIT', () => {
  const p = probeWith({
    banner: reply('220 mx.example.com ESMTP'),
    ehlo: { command: 'EHLO', reply: reply('250-mx.example.com\n250 PIPELINING'), ehloRefused: null, domain: 'mx.example.com', extensions: {}, auth: [], starttls: false, pipelining: true },
    relay: {
      over: 'plaintext', pipelined: true, from: 'a@example.net', to: 'b@example.org', sender: 'a@example.net', untried: [], verdict: 'closed', acceptsAll: null, error: null, reconnects: 0,
      sessions: 1, limits: { family: 'unknown', rules: [{ budget: 3, counts: 'errors', per: 'session' }] },
      tries: [{ form: 'plain', varies: 'sender', mailFrom: 'a@example.net', rcptTo: 'b@example.org', mail: reply('250 OK'), rcpt: reply('550 relay not permitted'), outcome: 'refused', untested: null, session: 1, accepted: false }],
    },
    transcript: { purpose: 'main session', entries: [
      { t: 0, dir: 'S', text: '220 mx.example.com ESMTP' },
      { t: 5, dir: 'C', text: 'QUIT' },
      { t: 6, dir: 'S', text: '221 mx.example.com closing connection' },
    ] },
  });
  assert.deepEqual(observationsOf(p).map((o) => `${o.source}: ${o.reply.code} ${o.reply.lines[0]}`), [
    'banner: 220 mx.example.com ESMTP',
    'EHLO: 250 mx.example.com',
    'MAIL: 250 OK',
    'RCPT: 550 relay not permitted',
    'QUIT: 221 mx.example.com closing connection',
  ]);
  // facts saved before the fingerprint existed get one worked out from their replies
  assert.equal(mtaOf(p).family, 'exim');
  // a recorded fingerprint is kept as recorded
  const recorded: MtaFingerprint = { family: 'postfix', version: null, platform: null, confidence: 'high', source: 'banner', evidence: 'x' };
  assert.equal(mtaOf({ ...p, mta: recorded }), recorded);
});
