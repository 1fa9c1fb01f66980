// Remediation written for the MTA that answered: each check's fix names the directive of that
// software (Postfix main.cf, Exim with GnuTLS or OpenSSL, Sendmail .mc, OpenSMTPD smtpd.conf,
// Haraka config/, Exchange), falls back to the generic text when the software is unknown, and
// marks a low-confidence guess as one. Checks run over hand-built facts, the way the engine
// runs them; the fingerprints are those the probe records for real banners.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SmtpFacts } from '../../src/collect/smtp.ts';
import bannerCheck from '../../src/checks/smtp/banner.ts';
import authPlaintextCheck from '../../src/checks/smtp/auth-plaintext.ts';
import starttlsCheck from '../../src/checks/tls/starttls.ts';
import protocolCheck from '../../src/checks/tls/protocol.ts';
import relayCheck from '../../src/checks/relay/open.ts';
import { remediationFor, type RemediationTopic } from '../../src/checks/remediation-by-mta.ts';
import { fingerprintMta } from '../../src/probe/mta-fingerprint.ts';
import { classifyRcpt } from '../../src/probe/relay-replies.ts';
import type { MtaFingerprint, RelayTry, ReplyFact, SmtpAddressProbe } from '../../src/probe/types.ts';
import { judge } from '../support/run-check.ts';
import { ok, ptrEntry, ptrFacts } from '../support/facts.ts';

function reply(text: string): ReplyFact {
  const lines = text.split('\n');
  const texts = lines.map((l) => l.slice(4));
  return { code: Number(lines[0]!.slice(0, 3)), enhanced: /^([245])\.\d{1,3}\.\d{1,3}\b/.exec(texts[0] ?? '')?.[0] ?? null, lines: texts };
}
const fromBanner = (banner: string): MtaFingerprint => fingerprintMta([{ source: 'banner', reply: reply(banner) }]);

const POSTFIX = fromBanner('220 mx.example.com ESMTP Postfix (Debian/GNU)');
// Debian's exim4.conf.template: MAIN_SMTP_BANNER = "${primary_hostname} ESMTP Exim ${version_number} (Debian package MAIN_PACKAGE_VERSION) ${tod_full}"
const EXIM_DEBIAN = fromBanner('220 mx.example.com ESMTP Exim 4.96 (Debian package 4.96-15+deb12u2) Fri, 04 Dec 2026 05:00:06 +0000');
const EXIM = fromBanner('220 mx.example.com ESMTP Exim 4.96 Fri, 04 Dec 2026 05:00:06 +0000');
const SENDMAIL = fromBanner('220 mx.example.com ESMTP Sendmail 8.17.1.9/8.17.1.9/Debian-2+deb12u2; Fri, 4 Dec 2026 05:00:06 GMT');
const OPENSMTPD = fromBanner('220 mx.example.com ESMTP OpenSMTPD');
const HARAKA = fromBanner('220 mx.example.com ESMTP Haraka/3.3.4 ready');
const EXCHANGE = fromBanner('220 mx.example.com Microsoft ESMTP MAIL Service ready at Fri, 4 Dec 2026 05:00:06 +0000');
const GMAIL = fromBanner('220 mx.google.com ESMTP a1si123 - gsmtp');
const UNKNOWN = fromBanner('220 mx.example.com ESMTP');
const EXIM_GUESS = fingerprintMta([{ source: 'QUIT', reply: reply('221 mx.example.com closing connection') }]);

test('the fingerprints the tests use are what the probe records', () => {
  assert.deepEqual([POSTFIX, EXIM_DEBIAN, EXIM, SENDMAIL, OPENSMTPD, HARAKA, EXCHANGE, GMAIL, UNKNOWN, EXIM_GUESS].map((f) => `${f.family}/${f.confidence}`),
    ['postfix/high', 'exim/high', 'exim/high', 'sendmail/high', 'opensmtpd/high', 'haraka/high', 'exchange/high', 'gmail/high', 'unknown/none', 'exim/low']);
  assert.equal(EXIM_DEBIAN.platform, 'Debian package 4.96-15+deb12u2');
});

// Each family's text names its own directive; no other family's leaks in.
const DIRECTIVES: Array<[RemediationTopic, MtaFingerprint, RegExp, RegExp?]> = [
  ['tls-versions', POSTFIX, /^Postfix \(recognised from the banner\): in main\.cf set smtpd_tls_protocols = >=TLSv1\.2 and smtpd_tls_mandatory_protocols = >=TLSv1\.2/, /openssl_options|tls_require_ciphers/],
  ['tls-versions', EXIM_DEBIAN, /Debian and Ubuntu build Exim with GnuTLS: set tls_require_ciphers = NORMAL:-VERS-TLS1\.0:-VERS-TLS1\.1 in the main section/],
  ['tls-versions', EXIM, /if Exim is built with GnuTLS .*tls_require_ciphers = NORMAL:-VERS-TLS1\.0:-VERS-TLS1\.1; if it is built with OpenSSL: openssl_options = \+no_sslv2 \+no_sslv3 \+no_tlsv1 \+no_tlsv1_1/, /smtpd_tls_protocols/],
  ['tls-versions', SENDMAIL, /define\(`confSERVER_SSL_OPTIONS', `\+SSL_OP_NO_SSLv2 \+SSL_OP_NO_SSLv3 \+SSL_OP_NO_TLSv1 \+SSL_OP_NO_TLSv1_1'\)dnl in sendmail\.mc/, /smtpd_tls_protocols/],
  ['tls-versions', OPENSMTPD, /protocols "tlsv1\.2,tlsv1\.3" to the listen on \.\.\. tls line in smtpd\.conf/],
  ['tls-versions', HARAKA, /minVersion=TLSv1\.2 in config\/tls\.ini/],
  ['starttls-setup', POSTFIX, /smtpd_tls_security_level = may and smtpd_tls_chain_files/],
  ['starttls-setup', EXIM, /MAIN_TLS_ENABLE = yes in \/etc\/exim4\/exim4\.conf\.localmacros.*tls_certificate = and tls_privatekey =/],
  ['starttls-setup', SENDMAIL, /confSERVER_CERT.*confSERVER_KEY/],
  ['starttls-setup', OPENSMTPD, /pki mx1\.example\.com cert "\/etc\/ssl\/mx1\.example\.com\.crt".*listen on egress tls pki mx1\.example\.com/],
  ['starttls-setup', HARAKA, /enable the tls plugin .*config\/tls_key\.pem and config\/tls_cert\.pem/],
  ['auth-after-tls', POSTFIX, /smtpd_tls_auth_only = yes in main\.cf/],
  ['auth-after-tls', EXIM, /auth_advertise_hosts = \$\{if eq\{\$tls_in_cipher\}\{\}\{\}\{\*\}\}/],
  ['auth-after-tls', SENDMAIL, /define\(`confAUTH_OPTIONS', `p,y'\)dnl/],
  ['auth-after-tls', HARAKA, /connection\.tls\.enabled/],
  ['relay-closed', POSTFIX, /smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination/],
  ['relay-closed', EXIM, /relay_from_hosts .*require message = relay not permitted/],
  ['relay-closed', SENDMAIL, /remove FEATURE\(`promiscuous_relay'\).*Connect:192\.0\.2 RELAY/],
  ['relay-closed', OPENSMTPD, /match from local for any action "outbound".*match from any for domain example\.com action "local"/],
  ['relay-closed', HARAKA, /remove all=true from the \[relay\] section of config\/relay\.ini.*config\/relay_acl_allow/],
  ['relay-closed', EXCHANGE, /ms-Exch-SMTP-Accept-Any-Recipient right of NT AUTHORITY\\ANONYMOUS LOGON/],
  ['server-name', POSTFIX, /myhostname = mx1\.example\.com in main\.cf/],
  ['server-name', EXIM, /primary_hostname = mx1\.example\.com .*MAIN_HARDCODE_PRIMARY_HOSTNAME = mx1\.example\.com/],
  ['server-name', SENDMAIL, /define\(`confDOMAIN_NAME', `mx1\.example\.com'\)dnl/],
  ['server-name', OPENSMTPD, /"hostname mx1\.example\.com" to the listen on line/],
  ['server-name', HARAKA, /write mx1\.example\.com into config\/me/],
  ['server-name', EXCHANGE, /Set-ReceiveConnector .* -Fqdn mx1\.example\.com/],
  ['server-name', GMAIL, /Google operates this server/],
  ['certificate-chain', POSTFIX, /the private key, the leaf certificate and its intermediates, in that order, in smtpd_tls_chain_files/],
  ['certificate-chain', EXIM, /tls_certificate at a file holding the leaf certificate followed by its intermediates/],
  ['certificate-chain', OPENSMTPD, /append the intermediate certificates to the file of the pki \.\.\. cert line/],
  ['certificate-chain', HARAKA, /cert= file of config\/tls\.ini/],
  ['relay-refuse-permanently', POSTFIX, /defer_unauth_destination.*454 4\.7\.1.*reject_unauth_destination answers 554 5\.7\.1/],
];

for (const [topic, fp, expected, absent] of DIRECTIVES) {
  test(`${topic} for ${fp.family}${fp.platform ? ` (${fp.platform})` : ''}`, () => {
    const text = remediationFor(topic, fp, { name: 'mx1.example.com', domain: 'example.com' });
    assert.match(text, expected);
    if (absent) assert.doesNotMatch(text, absent);
  });
}

test('unknown MTA: the generic text, which gives Exim\'s GnuTLS and OpenSSL settings labelled', () => {
  const text = remediationFor('tls-versions', UNKNOWN);
  assert.match(text, /^Accept only TLS 1\.2 and 1\.3 \(Postfix: smtpd_tls_protocols = >=TLSv1\.2; Exim built with GnuTLS, as Debian and Ubuntu build it: tls_require_ciphers = NORMAL:-VERS-TLS1\.0:-VERS-TLS1\.1; Exim built with OpenSSL: openssl_options/);
  assert.equal(remediationFor('tls-versions', undefined), text, 'facts without a fingerprint');
  assert.equal(remediationFor('relay-closed', GMAIL), remediationFor('relay-closed', UNKNOWN), 'no Gmail text: the generic one');
});

test('a low-confidence guess keeps the generic text and marks the guess', () => {
  const text = remediationFor('tls-versions', EXIM_GUESS);
  assert.match(text, /^Accept only TLS 1\.2 and 1\.3 \(/);
  assert.match(text, /If the server is Exim \(a guess from the QUIT reply\): if Exim is built with GnuTLS/);
});

// --- the checks pick the text for the fingerprinted MTA ---

function probe(parts: Partial<SmtpAddressProbe>): SmtpAddressProbe {
  return {
    address: '192.0.2.10', family: 4, hosts: ['mx1.example.com'], port: 25, destination: '192.0.2.10:25', startedAt: '2026-12-04T05:00:00.000Z',
    durationMs: 10, outcome: 'completed', error: null, banner: reply('220 mx1.example.com ESMTP'), bannerHost: 'mx1.example.com',
    ehlo: { command: 'EHLO', reply: reply('250-mx1.example.com\n250 STARTTLS'), ehloRefused: null, domain: 'mx1.example.com', extensions: {}, auth: [], starttls: true, pipelining: false },
    starttls: { offered: true, outcome: 'ok', reply: reply('220 2.0.0 Ready to start TLS'), error: null }, tls: null, ehloTls: null, versions: null,
    relay: null, relayNotRun: 'the open-relay test is disabled (--no-relay)', steps: [], transcript: { purpose: 'main session', entries: [] }, otherTranscripts: [],
    ...parts,
  };
}
function smtp(...addresses: SmtpAddressProbe[]): SmtpFacts {
  return { skipped: null, source: 'mx', mxKind: 'mx', addressLookupFailed: false, port: 25, ehloName: 'probe.smtp-audit.invalid', relayEnabled: true, addresses, mtaStsTxt: null };
}

test('tls/protocol: TLS 1.0 accepted on a Debian Exim gets the GnuTLS setting, not openssl_options', () => {
  const versions = {
    versions: {
      TLSv1: { result: 'accepted', via: 'separate-connection', detail: 'TLSv1 ECDHE-RSA-AES256-SHA' },
      'TLSv1.1': { result: 'refused', via: 'separate-connection', detail: null },
      'TLSv1.2': { result: 'accepted', via: 'main-handshake', detail: null },
    },
    highest: 'TLSv1.2', lowest: 'TLSv1',
  } as const;
  const c = judge(protocolCheck, { smtp: smtp(probe({ versions, mta: EXIM_DEBIAN })) });
  assert.equal(c.status, 'warn');
  const fix = c.findings[0]!.remediation!;
  assert.match(fix, /^Exim \(recognised from the banner\): Debian and Ubuntu build Exim with GnuTLS: set tls_require_ciphers = NORMAL:-VERS-TLS1\.0:-VERS-TLS1\.1/);
  assert.doesNotMatch(fix, /openssl_options =/);
  // the same server, its banner hiding the build: both settings, each labelled
  const hidden = judge(protocolCheck, { smtp: smtp(probe({ versions, mta: EXIM })) }).findings[0]!.remediation!;
  assert.match(hidden, /if Exim is built with GnuTLS .*; if it is built with OpenSSL: openssl_options/);
});

test('tls/protocol: a server that completes no handshake at all is not said to accept deprecated versions', () => {
  const versions = {
    versions: {
      TLSv1: { result: 'refused', via: 'separate-connection', detail: 'ERR_SSL_WRONG_VERSION_NUMBER' },
      'TLSv1.1': { result: 'refused', via: 'separate-connection', detail: 'ERR_SSL_WRONG_VERSION_NUMBER' },
      'TLSv1.2': { result: 'refused', via: 'separate-connection', detail: 'ERR_SSL_WRONG_VERSION_NUMBER' },
    },
    highest: null, lowest: null,
  } as const;
  const c = judge(protocolCheck, { smtp: smtp(probe({ versions, starttls: { offered: true, outcome: 'handshake-failed', reply: reply('220 2.0.0 Ready to start TLS'), error: null }, mta: POSTFIX })) });
  assert.equal(c.status, 'fail');
  assert.equal(c.findings[0]!.code, 'tls/protocol.no-version');
  assert.doesNotMatch(c.title, /deprecated|accept(s)? (TLS )?(1\.0|1\.1|older)/i);
  assert.match(c.title, /none at all/);
  assert.match(c.findings[0]!.message, /accepts no TLS version at all/);
  assert.match(c.findings[0]!.remediation!, /smtpd_tls_chain_files/);
});

test('tls/starttls: not offered on OpenSMTPD names its pki and listen lines for the MX host', () => {
  const c = judge(starttlsCheck, { smtp: smtp(probe({ ehlo: { command: 'EHLO', reply: reply('250-mx1.example.com Hello x [192.0.2.1], pleased to meet you\n250 HELP'), ehloRefused: null, domain: 'mx1.example.com', extensions: {}, auth: [], starttls: false, pipelining: false }, starttls: { offered: false, outcome: 'not-offered', reply: null, error: null }, mta: OPENSMTPD })) });
  assert.equal(c.status, 'fail');
  assert.match(c.findings[0]!.remediation!, /^OpenSMTPD \(recognised from the banner\): in smtpd\.conf: pki mx1\.example\.com cert/);
});

test('smtp/auth-plaintext: Sendmail gets confAUTH_OPTIONS, an unknown server the generic text', () => {
  const ehlo = { command: 'EHLO' as const, reply: reply('250-mx1.example.com\n250-AUTH PLAIN LOGIN\n250 STARTTLS'), ehloRefused: null, domain: 'mx1.example.com', extensions: {}, auth: ['PLAIN', 'LOGIN'], starttls: true, pipelining: false };
  assert.match(judge(authPlaintextCheck, { smtp: smtp(probe({ ehlo, mta: SENDMAIL })) }).findings[0]!.remediation!, /confAUTH_OPTIONS', `p,y'/);
  assert.match(judge(authPlaintextCheck, { smtp: smtp(probe({ ehlo, mta: UNKNOWN })) }).findings[0]!.remediation!, /^Offer AUTH only after STARTTLS \(Postfix: smtpd_tls_auth_only = yes; Exim: auth_advertise_hosts/);
});

test('smtp/banner: the notes name the MTA; the fix for a mismatch is written for it, and facts saved without a fingerprint get one from their banner', () => {
  const ptr = ptrFacts([ptrEntry('192.0.2.10', ok('mail.example.com'))]);
  const c = judge(bannerCheck, { smtp: smtp(probe({ banner: reply('220 mx1.example.com ESMTP Exim 4.96 Fri, 04 Dec 2026 05:00:06 +0000') })), ptr });
  assert.equal(c.status, 'warn');
  assert.ok(c.notes!.includes('192.0.2.10 (mx1.example.com): Exim 4.96 (from the banner: "220 mx1.example.com ESMTP Exim 4.96 Fri, 04 Dec 2026 05:00:06 +0000")'), c.notes!.join('\n'));
  const fix = c.findings.find((f) => f.code === 'smtp/banner.greeting-mismatch')!.remediation!;
  assert.match(fix, /^Exim \(recognised from the banner\): set primary_hostname = mail\.example\.com/);
  assert.match(fix, /Or set the PTR of 192\.0\.2\.10 to mx1\.example\.com/);
  // a pass keeps its comparison note first, and names the MTA after it
  const pass = judge(bannerCheck, { smtp: smtp(probe({ banner: reply('220 mx1.example.com ESMTP Postfix (Debian/GNU)'), mta: POSTFIX })), ptr: ptrFacts([ptrEntry('192.0.2.10', ok('mx1.example.com'))]) });
  assert.equal(pass.status, 'pass');
  assert.match(pass.notes![0]!, /greeting mx1\.example\.com, EHLO mx1\.example\.com, PTR mx1\.example\.com/);
  assert.match(pass.notes![1]!, /: Postfix, Debian\/GNU \(from the banner/);
});

function relayTry(form: string, mail: string, rcpt: string | null): RelayTry {
  const accepted = /^2/.test(mail) && rcpt !== null && /^2/.test(rcpt);
  const outcome = accepted ? 'accepted' : rcpt !== null ? classifyRcpt(reply(rcpt)) : 'refused';
  return { form, varies: 'sender', mailFrom: 'relay-test@example.net', rcptTo: 'relay-test@example.org', mail: reply(mail), rcpt: rcpt === null ? null : reply(rcpt), outcome, untested: null, session: 1, accepted };
}
function relayOf(verdict: 'open' | 'closed' | 'deferred', tries: RelayTry[]): SmtpAddressProbe['relay'] {
  return { over: 'tls', pipelined: true, from: 'relay-test@example.net', to: 'relay-test@example.org', sender: 'relay-test@example.net', tries, untried: [], verdict, acceptsAll: null, error: null, sessions: 1, limits: { family: 'unknown', rules: [{ budget: 3, counts: 'errors', per: 'session' }] }, reconnects: 0 };
}

test('relay/open: an open Exim gets relay_from_hosts and the RCPT ACL; an open Haraka the relay.ini fix', () => {
  const open = relayOf('open', [relayTry('plain', '250 OK', '250 Accepted')]);
  const exim = judge(relayCheck, { smtp: smtp(probe({ relay: open, relayNotRun: null, mta: EXIM })) });
  assert.equal(exim.status, 'fail');
  assert.match(exim.findings[0]!.remediation!, /^Exim \(recognised from the banner\): relay only for hostlist relay_from_hosts/);
  const haraka = judge(relayCheck, { smtp: smtp(probe({ relay: open, relayNotRun: null, mta: HARAKA })) }, 'example.com');
  assert.match(haraka.findings[0]!.remediation!, /all=true/);
});

test('relay/open: Postfix\'s default 454 4.7.1 Relay access denied is a relay refusal with a temporary code, not greylisting', () => {
  const tries = [
    relayTry('null-sender', '250 2.1.0 Ok', '454 4.7.1 <relay-test@example.org>: Relay access denied'),
    relayTry('plain', '250 2.1.0 Ok', '454 4.7.1 <relay-test@example.org>: Relay access denied'),
  ];
  // the relay test judges these forms refused (src/probe/relay-replies.ts): the server is closed
  const c = judge(relayCheck, { smtp: smtp(probe({ relay: relayOf('closed', tries), relayNotRun: null })) });
  assert.equal(c.status, 'pass');
  assert.match(c.notes![0]!, /"454 4\.7\.1 <relay-test@example\.org>: Relay access denied" is a relay refusal with a temporary code \(Postfix's defer_unauth_destination\): retrying never makes it relay/);
  // greylisting stays "try again later"
  const grey = judge(relayCheck, { smtp: smtp(probe({ relay: relayOf('deferred', [relayTry('plain', '250 2.1.0 Ok', '450 4.2.0 <relay-test@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html')]), relayNotRun: null })) });
  assert.match(grey.error!, /greylisting or rate limiting; try again later/);
});

test('relay/open: the closed note shows a relay refusal as its example when the first form was refused for something else', () => {
  const tries = [
    relayTry('null-sender', '250 OK', '550 restricted characters in address'),
    relayTry('plain', '250 OK', '550 relay not permitted'),
  ];
  const c = judge(relayCheck, { smtp: smtp(probe({ relay: relayOf('closed', tries), relayNotRun: null })) });
  assert.equal(c.status, 'pass');
  assert.match(c.notes![0]!, /refused all 2 relay forms over TLS \(e\.g\. 550 relay not permitted\)/);
});
