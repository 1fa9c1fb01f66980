// The open-relay test against fixture servers that record every command they receive: the
// forms tried, RSET between tries, pipelining, reconnects, and above all: DATA is never sent.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_OPTIONS, type AuditOptions } from '../../src/core/context.ts';
import { createAuditEnv } from '../../src/core/env.ts';
import { probeAddress } from '../../src/probe/probe-address.ts';
import { startRawMta, type RawMta, type RawMtaOptions } from '../../src/testnet/mta/raw-mta.ts';
import { startSmtpServerMta, type FixtureMta, type SmtpServerMtaOptions } from '../../src/testnet/mta/smtp-server-mta.ts';
import { fixtureRootCa } from '../../src/testnet/mta/fixture-certs.ts';

const ADDRESS = '203.0.113.125';
const HOST = 'mx1.mx.probe.example';
const started: Array<{ stop(): Promise<void> }> = [];
after(async () => { await Promise.all(started.map((s) => s.stop())); });

async function recorder(o: Partial<RawMtaOptions> = {}): Promise<RawMta> {
  const m = await startRawMta({ behaviour: 'recording-relay', name: HOST, ...o });
  started.push(m);
  return m;
}
async function mta(o: Partial<SmtpServerMtaOptions>): Promise<FixtureMta> {
  const m = await startSmtpServerMta({ name: HOST, cert: 'valid', localDomains: ['one.probe.example'], ...o });
  started.push(m);
  return m;
}
function probe(destination: string, extra: Partial<AuditOptions> = {}) {
  const env = createAuditEnv({ resolvers: ['127.0.0.1:9'], connectTo: [`${ADDRESS}:25=${destination}`] });
  const options: AuditOptions = { ...DEFAULT_OPTIONS, timeoutMs: 2000, greetingTimeoutMs: 2000, ehloName: 'probe.smtp-audit.invalid', caCertificates: [fixtureRootCa()], ...extra };
  return probeAddress(env, options, { address: ADDRESS, family: 4, hosts: [HOST], localDomain: 'one.probe.example' });
}

const DATA_LIKE = /^\s*(DATA|BDAT)\b/i;

test('an open relay that accepts everything: every form accepted, accept-all noted, and no DATA or BDAT ever sent', async () => {
  const server = await recorder();
  const p = await probe(server.address);
  const r = p.relay!;
  assert.equal(r.verdict, 'open');
  assert.equal(r.tries.length, 16);
  assert.ok(r.tries.every((t) => t.accepted));
  assert.equal(r.pipelined, true);
  assert.equal(r.acceptsAll!.accepted, true);
  assert.match(r.acceptsAll!.recipient, /^smtp-audit-no-such-user-[0-9a-f]{10}@one\.probe\.example$/);
  // what the server received, line by line
  const lines = server.lines;
  assert.ok(lines.length > 30);
  assert.deepEqual(lines.filter((l) => DATA_LIKE.test(l)), [], 'the server would have accepted DATA (354) and CHUNKING; it never got either');
  const mails = lines.filter((l) => /^MAIL FROM:/.test(l));
  const rcpts = lines.filter((l) => /^RCPT TO:/.test(l));
  // four sender forms, one transaction each; the twelve recipient forms in batches of RCPTs
  // after one MAIL from the accepted plain sender; then the accept-all check
  assert.equal(rcpts.length, 17, '16 forms and the accept-all check');
  assert.equal(mails.length, 4 + 4 + 1);
  assert.equal(lines.filter((l) => l === 'MAIL FROM:<relay-test@example.net>').length, 1 + 4 + 1, 'the recipient forms and the accept-all check use the accepted plain sender');
  for (const [i, line] of lines.entries()) {
    if (/^MAIL FROM:/.test(line)) assert.match(lines[i - 1]!, /^(RSET|EHLO )/, 'RSET before every MAIL after the first of a session');
  }
  assert.equal(r.sessions, 1, 'accepted forms cost nothing against the error limits: one session');
  assert.ok(rcpts.includes('RCPT TO:<relay-test%example.org@[203.0.113.125]>'));
  assert.ok(rcpts.includes('RCPT TO:<"relay-test@example.org">'));
  assert.ok(rcpts.includes('RCPT TO:<@[203.0.113.125]:relay-test@example.org>'));
  assert.ok(rcpts.includes('RCPT TO:<example.org!relay-test>'));
  assert.equal(lines.at(-1), 'QUIT');
  assert.ok(!p.transcript.entries.some((e) => e.dir === 'C' && DATA_LIKE.test(e.text)));
});

test('without PIPELINING the tries go one command at a time and stop at RCPT', async () => {
  const server = await recorder({ pipelining: false, rcptReply: '550 5.7.1 Relaying denied' });
  const p = await probe(server.address, { relayFrom: 'audit@example.net', relayTo: 'someone@example.org' });
  const r = p.relay!;
  assert.equal(r.pipelined, false);
  assert.equal(r.verdict, 'closed');
  assert.equal(r.acceptsAll, null, 'no accept-all check when nothing was accepted');
  assert.ok(server.lines.includes('MAIL FROM:<audit@example.net>'));
  assert.ok(server.lines.includes('RCPT TO:<someone@example.org>'));
  assert.deepEqual(server.lines.filter((l) => DATA_LIKE.test(l)), []);
});

test('an MTA that relays only the %-hack form is an open relay in exactly those forms', async () => {
  const server = await mta({ relay: 'percent-hack-only', pipelining: false });
  const p = await probe(server.address);
  const r = p.relay!;
  assert.equal(r.verdict, 'open');
  assert.deepEqual(r.tries.filter((t) => t.accepted).map((t) => t.form), ['percent-hack-address', 'percent-hack-name']);
  assert.equal(r.acceptsAll!.accepted, false, 'it refuses an unknown local user');
  assert.equal(r.acceptsAll!.reply!.code, 550);
  assert.equal(server.dataCommands, 0);
});

test('530 authentication required stops the test as "auth-required"; only 4xx answers are "deferred"', async () => {
  const auth = await mta({ relay: 'auth-required' });
  const a = (await probe(auth.address)).relay!;
  assert.equal(a.verdict, 'auth-required');
  assert.equal(a.tries.length, 1);
  assert.deepEqual(a.untried, []);
  const grey = await mta({ relay: 'greylist' });
  const g = (await probe(grey.address)).relay!;
  assert.equal(g.verdict, 'deferred');
  assert.equal(g.tries.find((t) => t.form === 'plain')!.rcpt!.code, 450);
  assert.ok(g.tries.every((t) => !t.accepted));
});

test('a server that hangs up part-way is reopened and the remaining forms are tried', async () => {
  // an open relay that hangs up after six recipients a connection: two unexpected endings
  const server = await recorder({ closeAfterRcpts: 6 });
  const r = (await probe(server.address)).relay!;
  assert.equal(r.reconnects, 2);
  assert.equal(r.tries.length, 16);
  assert.ok(r.tries.every((t) => t.outcome === 'accepted'));
  assert.equal(r.verdict, 'open');
  assert.equal(server.connections >= 3, true);

  // a refusal followed by the server hanging up is still a refusal; after the allowed
  // unexpected endings the remaining forms stay untried and the verdict says so
  const stingy = await recorder({ rcptReply: '554 5.7.1 Relay access denied', closeAfterRcpts: 1 });
  const s = (await probe(stingy.address)).relay!;
  assert.equal(s.verdict, 'incomplete', 'one form a connection and two reconnects do not cover 16 forms');
  assert.deepEqual(s.tries.filter((t) => t.outcome === 'refused').map((t) => t.form), ['null-sender', 'plain', 'sender-server-name']);
  assert.equal(s.reconnects, 2);
  // the fourth form was either never sent, or sent into the closing connection and never answered
  assert.equal(s.untried.length + s.tries.filter((t) => t.outcome === 'untested').length, 13);
  assert.ok(s.error);
});
