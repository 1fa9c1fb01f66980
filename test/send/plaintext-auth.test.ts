// send never puts the password on the wire unless the server offered AUTH over TLS
// (src/send/auth-policy.ts; RFC 4616 section 4, RFC 8314 section 3). Every case runs against a
// recording server and asserts on the bytes it received (decrypted after STARTTLS): no AUTH
// command, no password, no base64 form of it. Stopping is exit 2 (a change of flags or server is
// needed), with the transcript kept; --allow-plaintext-auth is the explicit way for test rigs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureCert } from '../../src/testnet/mta/fixture-certs.ts';
import { runBin } from '../support/run-bin.ts';
import { startScriptedSmtp, type ScriptOptions, type ScriptedServer } from './scripted-smtp.ts';

const USER = 'alice@send.example';
const SECRET = 'n0t-0n-the-w1re!';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const FORMS = [SECRET, b64(SECRET), b64(SECRET).replace(/=+$/, ''), b64(`\u0000${USER}\u0000${SECRET}`), b64(`${USER}\u0000${USER}\u0000${SECRET}`)];
const CERT = fixtureCert('valid');

function assertNothingSent(server: ScriptedServer): void {
  const wire = server.received();
  for (const form of FORMS) assert.equal(wire.includes(form), false, `the server received ${JSON.stringify(form)}`);
  assert.equal(server.commands.some((c) => /^AUTH\b/i.test(c)), false, `no AUTH command: ${server.commands.join(' | ')}`);
  assert.equal(server.commands.some((c) => /^MAIL\b/i.test(c)), false, 'and no message either');
}

async function send(server: ScriptedServer, extra: string[]) {
  const r = await runBin(
    ['send', '--server', `127.0.0.1:${server.port}`, '--auth', USER, '--from', USER, '--to', 'bob@send.example', '--timeout', '5000', ...extra],
    { env: { SMTP_AUDIT_PASSWORD: SECRET } },
  );
  for (const form of FORMS) assert.equal(`${r.stdout}${r.stderr}`.includes(form), false, 'nor in the output');
  return r;
}

async function withServer(options: ScriptOptions, body: (server: ScriptedServer) => Promise<void>): Promise<void> {
  const server = await startScriptedSmtp(options);
  try { await body(server); } finally { await server.stop(); }
}

test('AUTH offered without TLS (no STARTTLS): stop before AUTH, exit 2, nothing of the password sent', () =>
  withServer({ extensions: ['PIPELINING', 'AUTH PLAIN LOGIN'] }, async (server) => {
    const r = await send(server, ['--format', 'json']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.exitCode, 2);
    const d = report.deliveries[0];
    assert.equal(d.failure.kind, 'stopped');
    assert.equal(d.failure.code, 'ENOTLS');
    assert.match(d.failure.message, /not sending the password: the session is not encrypted/);
    assert.match(d.failure.hint, /587 \(STARTTLS\) or 465 \(--tls implicit\).*--allow-plaintext-auth/);
    assert.equal(d.authenticated, false);
    assert.ok(d.transcript.some((l: { dir: string; text: string }) => l.dir === 'C' && l.text === 'QUIT'), 'the session ends politely');
    assertNothingSent(server);
  }));

test('STARTTLS offered but refused (454): the session stays plain, so no AUTH', () =>
  withServer({
    extensions: (secure) => (secure ? ['AUTH PLAIN'] : ['STARTTLS', 'AUTH PLAIN LOGIN']),
    respond: (command) => (command === 'STARTTLS' ? { reply: '454 4.7.0 TLS not available due to local problem' } : undefined),
  }, async (server) => {
    const r = await send(server, []);
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stdout, /^\+\d+ms +C: STARTTLS$/m);
    assert.match(r.stdout, /^failed +ENOTLS: not sending the password/m);
    assert.match(r.stdout, /^total \d+ ms: stopped before AUTH, the password was not sent \(exit 2\)$/m);
    assertNothingSent(server);
  }));

test('over TLS, but the server offers no AUTH: stop before AUTH (exit 2), nothing sent', () =>
  withServer({ tls: CERT, extensions: (secure) => (secure ? ['PIPELINING', '8BITMIME'] : ['PIPELINING', 'STARTTLS']) }, async (server) => {
    const r = await send(server, ['--format', 'json']);
    assert.equal(r.code, 2, r.stdout);
    const d = JSON.parse(r.stdout).deliveries[0];
    assert.equal(d.tls.how, 'starttls', 'the session was encrypted');
    assert.equal(d.failure.code, 'ENOAUTH');
    assert.match(d.failure.message, /did not offer AUTH/);
    assert.ok(server.commands.includes('STARTTLS'));
    assertNothingSent(server);
  }));

test('AUTH offered before STARTTLS only: after TLS nothing is offered, so nothing is sent', () =>
  withServer({ tls: CERT, extensions: (secure) => (secure ? ['8BITMIME'] : ['STARTTLS', 'AUTH PLAIN LOGIN']) }, async (server) => {
    const r = await send(server, ['--format', 'json']);
    assert.equal(r.code, 2, r.stdout);
    assert.equal(JSON.parse(r.stdout).deliveries[0].failure.code, 'ENOAUTH');
    assertNothingSent(server);
  }));

test('a HELO-only server (EHLO refused) offers no AUTH: stop, nothing sent', () =>
  withServer({ respond: (command) => (command.startsWith('EHLO') ? { reply: '502 5.5.2 Error: command not recognized' } : undefined) }, async (server) => {
    const r = await send(server, ['--format', 'json', '--allow-plaintext-auth']);
    assert.equal(r.code, 2, r.stdout);
    assert.equal(JSON.parse(r.stdout).deliveries[0].failure.code, 'ENOAUTH');
    assertNothingSent(server);
  }));

test('--auth-method the server does not offer: stop before AUTH (exit 2)', () =>
  withServer({ tls: CERT, extensions: (secure) => (secure ? ['AUTH PLAIN'] : ['STARTTLS']) }, async (server) => {
    const r = await send(server, ['--auth-method', 'login', '--format', 'json']);
    assert.equal(r.code, 2, r.stdout);
    const d = JSON.parse(r.stdout).deliveries[0];
    assert.equal(d.failure.code, 'ENOMECH');
    assert.match(d.failure.message, /offers AUTH PLAIN, not LOGIN/);
    assertNothingSent(server);
  }));

test('over TLS with AUTH offered: the login happens (so the rule does not just block everything)', () =>
  withServer({ tls: CERT, extensions: (secure) => (secure ? ['PIPELINING', 'AUTH LOGIN PLAIN'] : ['STARTTLS']) }, async (server) => {
    const r = await send(server, ['--format', 'json']);
    assert.equal(r.code, 0, r.stdout);
    const d = JSON.parse(r.stdout).deliveries[0];
    assert.equal(d.authenticated, true);
    assert.ok(server.commands.some((c) => c.startsWith('AUTH PLAIN ')), 'PLAIN, the first offered of those we prefer');
    assert.ok(server.received().includes(b64(`\u0000${USER}\u0000${SECRET}`)), 'the server (inside TLS) got the credentials');
  }));

test('--tls none --auth is a usage error before any connection; --allow-plaintext-auth lets a test rig log in', () =>
  withServer({ extensions: ['PIPELINING', 'AUTH PLAIN LOGIN'] }, async (server) => {
    const refused = await send(server, ['--tls', 'none']);
    assert.equal(refused.code, 2);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /^smtp-audit: --auth with --tls none would send the password unencrypted/);
    assert.equal(refused.stderr.trim().split('\n').length, 1);
    assert.equal(server.connections, 0, 'nothing was connected');

    const rig = await send(server, ['--tls', 'none', '--allow-plaintext-auth']);
    assert.equal(rig.code, 0, rig.stdout);
    assert.match(rig.stdout, /\* {2}--allow-plaintext-auth: logging in over an unencrypted session$/m);
    assert.match(rig.stdout, /C: AUTH PLAIN <redacted>$/m);
    assert.ok(server.commands.some((c) => c.startsWith('AUTH PLAIN ')));

    const stray = await runBin(['send', '--server', `127.0.0.1:${server.port}`, '--from', USER, '--to', 'bob@send.example', '--allow-plaintext-auth']);
    assert.equal(stray.code, 2);
    assert.match(stray.stderr, /--allow-plaintext-auth only applies with --auth/);
  }));
