// The relay test against servers that enforce the error limits of Exim, Postfix and Sendmail
// (test/probe/limits-mta.ts): every form is judged, no limit is crossed, and a refused test
// sender never counts as a refused relay. The same behaviours are checked against the real
// MTAs by the interop suite (test/interop/).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_OPTIONS, type AuditOptions } from '../../src/core/context.ts';
import { createAuditEnv } from '../../src/core/env.ts';
import { probeAddress } from '../../src/probe/probe-address.ts';
import { classifyRcpt, isRelayRefusal } from '../../src/probe/relay-replies.ts';
import { countsAgainstLimit, relayLimitsFor } from '../../src/probe/relay-limits.ts';
import checkRelay from '../../src/checks/relay/open.ts';
import { startLimitsMta, type LimitsMta, type LimitsMtaOptions } from './limits-mta.ts';
import { judge } from '../support/run-check.ts';
import type { SmtpFacts } from '../../src/collect/smtp.ts';
import type { SmtpAddressProbe } from '../../src/probe/types.ts';

const ADDRESS = '203.0.113.126';
const HOST = 'mx.limits.example';
const started: LimitsMta[] = [];
after(async () => { await Promise.all(started.map((s) => s.stop())); });

async function server(o: LimitsMtaOptions): Promise<LimitsMta> {
  const m = await startLimitsMta(o);
  started.push(m);
  return m;
}
function probe(destination: string, extra: Partial<AuditOptions> = {}) {
  const env = createAuditEnv({ resolvers: ['127.0.0.1:9'], connectTo: [`${ADDRESS}:25=${destination}`] });
  const options: AuditOptions = { ...DEFAULT_OPTIONS, timeoutMs: 3000, greetingTimeoutMs: 3000, ehloName: 'probe.smtp-audit.invalid', ...extra };
  return probeAddress(env, options, { address: ADDRESS, family: 4, hosts: [HOST], localDomain: 'limits.example' });
}

// Exim's answers: a domain literal anywhere is a 501 (allow_domain_literals is off), and so are
// the addresses its parser rejects; its ACL refuses other relaying with 550
const eximLike: LimitsMtaOptions = {
  banner: `${HOST} ESMTP Exim 4.96 Fri, 04 Dec 2026 05:00:06 +0000`,
  maxProtocolErrors: 3,
  mailReply: (s) => (s.includes('[') ? `501 <${s}>: domain literals not allowed` : null),
  rcptReply: (r) => (/\[|"|@.*@|!/.test(r) && !r.startsWith('@') ? `501 <${r}>: malformed address` : '550 relay not permitted'),
};

test('Exim\'s limit of 3 protocol errors: every form judged in sessions that stay under it, no 503 after a refused sender', async () => {
  const exim = await server(eximLike);
  const r = (await probe(exim.address)).relay!;
  assert.equal(r.verdict, 'closed');
  assert.equal(r.limits.family, 'exim');
  assert.equal(r.tries.length, 16);
  assert.ok(r.tries.every((t) => t.outcome === 'refused'), 'every form judged');
  assert.equal(exim.dropped, 0, 'no session went past the protocol-error limit');
  assert.ok(r.sessions > 1);
  const literal = r.tries.find((t) => t.form === 'sender-address-literal')!;
  assert.equal(literal.mail!.code, 501);
  assert.equal(literal.rcpt, null, 'no RCPT after the refused MAIL');
  assert.ok(r.tries.filter((t) => t.varies === 'recipient').every((t) => t.mailFrom === 'relay-test@example.net'), 'the recipient forms use the accepted outside sender');
  // the wire: a RCPT never follows a MAIL with a domain literal
  for (const [i, line] of exim.lines.entries()) {
    if (/^MAIL FROM:<[^>]*\[/.test(line)) assert.doesNotMatch(exim.lines[i + 1] ?? '', /^RCPT/);
  }
});

test('Postfix\'s soft error limit and error sleep: no reply is ever delayed; 454 "Relay access denied" is a refusal', async () => {
  const postfix = await server({
    banner: `${HOST} ESMTP Postfix (Debian/GNU)`,
    softErrorLimit: 10, sleepMs: 1000,
    rcptReply: (r) => `454 4.7.1 <${r}>: Relay access denied`,
  });
  const p = await probe(postfix.address);
  const r = p.relay!;
  assert.equal(r.verdict, 'closed', 'Debian\'s defer_unauth_destination refuses with a temporary code; it still refuses');
  assert.equal(r.limits.family, 'postfix');
  assert.equal(postfix.delayedReplies, 0, 'never past the soft error limit, so never tarpitted');
  assert.equal(r.sessions, 2, 'nine refusals a session');
  const c = judge(checkRelay, { smtp: smtpFactsOf(p) });
  assert.equal(c.status, 'pass');
  assert.match(c.notes![0]!, /a relay refusal with a temporary code \(Postfix's defer_unauth_destination\)/);
});

test('Sendmail refuses the outside sender (553): that form is refused at MAIL, the recipient forms use the null sender, the throttle is never hit', async () => {
  const sendmail = await server({
    banner: `${HOST} ESMTP Sendmail 8.17.1.9/8.17.1.9/Debian-2+deb12u2; Fri, 4 Dec 2026 05:05:35 GMT`,
    badRcptThrottle: 3, sleepMs: 1000,
    mailReply: (s) => (s.endsWith('@example.net') ? `553 5.1.8 <${s}>... Domain of sender address ${s} does not exist` : null),
    rcptReply: (r) => `550 5.7.1 <${r}>... Relaying denied`,
  });
  const r = (await probe(sendmail.address)).relay!;
  assert.equal(r.verdict, 'closed');
  assert.equal(r.sender, '', 'the null sender was accepted');
  const plain = r.tries.find((t) => t.form === 'plain')!;
  assert.deepEqual([plain.outcome, plain.mail!.code, plain.rcpt], ['refused', 553, null]);
  assert.ok(r.tries.filter((t) => t.varies === 'recipient').every((t) => t.rcpt?.code === 550), 'every recipient form reached a RCPT verdict');
  assert.equal(sendmail.delayedReplies, 0);
  assert.equal(r.sessions, 1, 'the throttle counts per transaction: one session is enough');
});

test('no test sender accepted: the recipient forms are untested, the check says so and how to fix it (not "refused all")', async () => {
  const picky = await server({ banner: `${HOST} ESMTP`, mailReply: (s) => `550 5.7.1 <${s}>: sender rejected` });
  const p = await probe(picky.address);
  const r = p.relay!;
  assert.equal(r.verdict, 'incomplete');
  assert.equal(r.sender, null);
  assert.equal(r.tries.filter((t) => t.outcome === 'untested').length, 12);
  const c = judge(checkRelay, { smtp: smtpFactsOf(p) });
  assert.equal(c.status, 'error');
  assert.match(c.error ?? c.findings.map((f) => f.message).join(' ') + (c.notes ?? []).join(' '), /4 of 16 relay forms judged .*12 not tested: the server accepted none of the test senders .*--relay-from/);
});

test('the accept-all check sends RCPT only after its own MAIL was accepted', async () => {
  let mails = 0;
  const open = await server({
    banner: `${HOST} ESMTP`,
    mailReply: () => (++mails > 8 ? '452 4.3.1 Insufficient system storage' : null),
    rcptReply: () => '250 2.1.5 Ok',
  });
  const r = (await probe(open.address)).relay!;
  assert.equal(r.verdict, 'open');
  assert.equal(r.acceptsAll!.mail!.code, 452);
  assert.equal(r.acceptsAll!.reply, null, 'no "503 need MAIL" reported as the answer');
  assert.equal(r.acceptsAll!.accepted, false);
  // the relay test ends each session with NOOP (to see replies that answered nothing), then QUIT
  const commands = open.lines.filter((l) => l !== 'NOOP');
  assert.equal(commands.at(-1), 'QUIT');
  assert.equal(commands.at(-2)?.startsWith('MAIL FROM:'), true, 'the last command before QUIT is the refused MAIL');
});

test('reply classification: relay refusals with temporary codes, greylisting, authentication', () => {
  const reply = (code: number, enhanced: string | null, text: string) => ({ code, enhanced, lines: [text] });
  assert.equal(classifyRcpt(reply(454, '4.7.1', '<a@b>: Relay access denied')), 'refused');
  assert.equal(classifyRcpt(reply(450, '4.7.1', '<a@b>: Recipient address rejected: Greylisted, see https://postgrey.schweikert.ch/')), 'deferred');
  assert.equal(classifyRcpt(reply(451, '4.7.1', 'Please try again later')), 'deferred');
  assert.equal(classifyRcpt(reply(550, null, 'Administrative prohibition')), 'refused');
  assert.equal(classifyRcpt(reply(421, '4.7.0', 'Too many errors')), 'deferred');
  assert.equal(isRelayRefusal(reply(550, '5.7.54', 'SMTP; Unable to relay recipient in non-accepted domain')), true);
  assert.equal(isRelayRefusal(reply(550, null, 'Administrative prohibition')), true);
  assert.equal(isRelayRefusal(reply(550, '5.1.1', 'User unknown')), false);
  assert.equal(relayLimitsFor('opensmtpd').family, 'unknown', 'a family without known limits gets the strictest');
  const exim = relayLimitsFor('exim');
  assert.equal(countsAgainstLimit(exim, 'RCPT', reply(550, null, 'relay not permitted')), false, 'ACL refusals are not protocol errors');
  assert.equal(countsAgainstLimit(exim, 'RCPT', reply(501, null, 'malformed address')), true);
});

function smtpFactsOf(p: SmtpAddressProbe): SmtpFacts {
  return { skipped: null, source: 'mx', mxKind: null, addressLookupFailed: false, port: 25, ehloName: 'probe.smtp-audit.invalid', relayEnabled: true, addresses: [p], mtaStsTxt: null };
}

test('a server that hides its name gets every known limit at once: no drop, no tarpit, no throttle, and three transactions a session', async () => {
  // Exim's protocol-error drop, Postfix's soft error limit and Sendmail's recipient throttle together
  const hidden = await server({
    banner: `${HOST} ESMTP ready`,
    maxProtocolErrors: 3, softErrorLimit: 10, badRcptThrottle: 3, sleepMs: 1000,
    rcptReply: (r) => (r.includes('!') ? `501 5.1.3 <${r}>: bad address syntax` : `550 5.7.1 <${r}>: Relay access denied`),
  });
  const r = (await probe(hidden.address)).relay!;
  assert.equal(r.limits.family, 'unknown');
  assert.deepEqual(r.limits.rules.map((rule) => `${rule.budget} ${rule.counts} per ${rule.per}`), ['9 errors per session', '3 protocol-errors per session', '3 refused-recipients per transaction']);
  assert.equal(r.verdict, 'closed');
  assert.equal(r.tries.filter((t) => t.outcome === 'refused').length, 16, 'every form judged');
  assert.equal(hidden.dropped, 0, 'never past three protocol errors in a session');
  assert.equal(hidden.delayedReplies, 0, 'never past the soft error limit, nor three refused recipients in a transaction');
  // 16 refusals, at most 9 a session: two sessions (one refusal a session would take six)
  assert.equal(r.sessions, 2);
  let rcptsInTransaction = 0;
  for (const line of hidden.lines) {
    if (line.startsWith('MAIL FROM:')) rcptsInTransaction = 0;
    if (line.startsWith('RCPT TO:')) assert.ok(++rcptsInTransaction <= 3, 'at most three recipients a transaction');
  }
});
