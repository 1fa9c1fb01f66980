// relay/open over live probes: pass, fail, error, skipped; and the promise behind all of it:
// no DATA (or BDAT) ever reaches the server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startRawMta, type RawMtaOptions } from '../../src/testnet/mta/raw-mta.ts';
import { startSmtpServerMta, type SmtpServerMtaOptions } from '../../src/testnet/mta/smtp-server-mta.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { check, MX1, probeAudit, route, smtpFacts } from '../probe/support.ts';

let dns: FixtureDnsServer;
const stops: Array<() => Promise<void>> = [];
before(async () => { dns = await startTestDns(); });
after(async () => { await Promise.all(stops.map((s) => s())); await dns.stop(); });

async function mta(o: Partial<SmtpServerMtaOptions> = {}) {
  const m = await startSmtpServerMta({ name: 'mx1.mx.probe.example', cert: 'valid', localDomains: ['one.probe.example'], ...o });
  stops.push(() => m.stop());
  return m;
}
async function recorder(o: Partial<RawMtaOptions> = {}) {
  const m = await startRawMta({ behaviour: 'recording-relay', name: 'mx1.mx.probe.example', ...o });
  stops.push(() => m.stop());
  return m;
}
const audit = (server: { address: string }, options = {}) => probeAudit('one.probe.example', { dns, connectTo: [route(MX1, server)], options, only: ['relay'] });

test('pass: every form refused; the note says how many and with what', async () => {
  const server = await mta();
  const c = check(await audit(server), 'relay/open');
  assert.equal(c.status, 'pass');
  assert.match(c.notes![0]!, /refused all 16 relay forms over TLS in 3 sessions \(e\.g\. 554 5\.7\.1 Relay access denied\)/, "a server that does not say what it is: at most nine refusals a session, three a transaction");
  assert.equal(server.dataCommands, 0);
});

test('pass: authentication required before relaying', async () => {
  const c = check(await audit(await mta({ relay: 'auth-required' })), 'relay/open');
  assert.equal(c.status, 'pass');
  assert.match(c.notes![0]!, /requires authentication before relaying \(530 5\.7\.0/);
});

test('fail: an open relay that accepts all, "accepts all, may discard", and the recorded session has no DATA', async () => {
  const server = await recorder();
  const report = await audit(server);
  const c = check(report, 'relay/open');
  assert.equal(c.status, 'fail');
  const f = c.findings[0]!;
  assert.equal(f.code, 'relay/open.open-accepts-all');
  assert.match(f.message, /in 16 of 16 forms/);
  assert.match(f.message, /accepts all, may discard/);
  assert.ok(f.evidence.includes('plain: MAIL FROM:<relay-test@example.net> -> 250 2.1.0 Ok, RCPT TO:<relay-test@example.org> -> 250 2.1.5 Ok'));
  assert.equal(f.evidence.at(-1), 'tested in plaintext, pipelined; DATA was never sent');
  // the server's own record of every command it received
  assert.ok(server.lines.filter((l) => l.startsWith('RCPT TO:')).length >= 16);
  assert.deepEqual(server.lines.filter((l) => /^\s*(DATA|BDAT)\b/i.test(l)), []);
  // and the transcript kept in the facts agrees
  const entries = smtpFacts(report).addresses[0]!.transcript.entries;
  assert.ok(entries.some((e) => e.dir === 'C' && e.text === 'RCPT TO:<relay-test@example.org>'));
  assert.ok(!entries.some((e) => e.dir === 'C' && /^(DATA|BDAT)/i.test(e.text)));
});

test('fail: an MTA that relays only the %-hack form, with the accepted form and reply in the evidence', async () => {
  const server = await mta({ relay: 'percent-hack-only' });
  const c = check(await audit(server), 'relay/open');
  assert.equal(c.status, 'fail');
  const f = c.findings[0]!;
  assert.equal(f.code, 'relay/open.open');
  assert.match(f.message, /in 2 of 16 forms \(percent-hack-address, percent-hack-name\)/);
  assert.doesNotMatch(f.message, /accepts all/);
  assert.ok(f.evidence.some((e) => e.startsWith('percent-hack-address: MAIL FROM:<relay-test@example.net> -> 250 Accepted, RCPT TO:<relay-test%example.org@[203.0.113.125]> -> 250 Accepted')));
  assert.ok(f.evidence.some((e) => /accept-all check: RCPT TO:<smtp-audit-no-such-user-\w+@one\.probe\.example> -> 550 5\.1\.1/.test(e)));
  assert.equal(server.dataCommands, 0, 'smtp-server never saw a DATA command');
});

test('error: only temporary answers (greylisting), or a server that could not be reached', async () => {
  const grey = check(await audit(await mta({ relay: 'greylist' })), 'relay/open');
  assert.equal(grey.status, 'error');
  assert.match(grey.error!, /only temporary \(4xx\) answers .* greylisting or rate limiting; try again later/);
  const silent = await startRawMta({ behaviour: 'silent' });
  stops.push(() => silent.stop());
  assert.equal(check(await audit(silent, { greetingTimeoutMs: 300 }), 'relay/open').status, 'error');
});

test('skipped: --no-relay sends no MAIL or RCPT at all; --no-smtp', async () => {
  const server = await mta();
  const c = check(await audit(server, { relay: false }), 'relay/open');
  assert.equal(c.status, 'skipped');
  assert.equal(c.skippedReason, 'the open-relay test is disabled (--no-relay)');
  assert.deepEqual(server.commands, []);
  assert.equal(check(await audit(server, { smtp: false }), 'relay/open').skippedReason, 'live SMTP probes are disabled (--no-smtp)');
});
