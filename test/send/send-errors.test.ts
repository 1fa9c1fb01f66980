// send's exit codes and routing, through the real bin: 2 usage errors (one line, before any
// connection), 3 network errors, 1 refusals (with the reply and a hint), and delivery to the
// recipient domain's MX found through --resolver, or to its A record when it has no MX.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { runBin } from '../support/run-bin.ts';
import { startServe, type ServeProcess } from '../serve/serve-process.ts';

let dns: FixtureDnsServer;
let serve: ServeProcess;
before(async () => {
  dns = await startTestDns();
  serve = await startServe(['--resolver', dns.address]);
});
after(async () => {
  dns.stop();
  await serve.stop();
});

test('usage errors: exit 2, one line on stderr, nothing sent', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-send-'));
  const eml = join(dir, 'm.eml');
  writeFileSync(eml, 'From: a@send.example\nTo: b@send.example\nSubject: x\n\nhi\n');
  const to = ['--to', 'b@send.example'];
  const cases: string[][] = [
    ['send', ...to],
    ['send', '--from', 'a@send.example'],
    ['send', '--from', 'a@send.example', '--to', 'not-an-address'],
    ['send', '--from', 'a@send.example', '--to', 'b@exa mple.com'],
    ['send', '--from', 'a@send.example', ...to, '--tls', 'sometimes'],
    ['send', '--from', 'a@send.example', ...to, '--tls', 'none', '--require-tls'],
    ['send', '--eml', eml, ...to, '--subject', 'changed'],
    ['send', '--eml', join(dir, 'missing.eml'), ...to],
    ['send', '--from', 'a@send.example', ...to, '--attach', join(dir, 'missing.pdf')],
    ['send', '--from', 'a@send.example', ...to, '--dkim-key', join(dir, 'missing.pem'), '--dkim-selector', 's'],
    ['send', '--from', 'a@send.example', ...to, '--dkim-key', 'fixtures/keys/send-rsa2048.pem'],
    ['send', '--from', 'a@send.example', ...to, '--dkim-key', eml, '--dkim-selector', 's'],
    ['send', '--from', 'a@send.example', ...to, '--dkim-key', 'fixtures/keys/send-rsa2048.pem', '--dkim-selector', 'bad selector'],
    ['send', '--from', 'a@send.example', ...to, '--loopback', '--server', '127.0.0.1:2525'],
    ['send', '--from', 'a@send.example', ...to, '--client-ip', '192.0.2.1'],
    ['send', '--from', 'a@send.example', ...to, '--server', '127.0.0.1:99999'],
    ['send', '--from', 'a@send.example', ...to, '--format', 'yaml'],
    ['send', '--from', 'a@send.example', ...to, '--auth-method', 'cram-md5', '--auth', 'u'],
    ['send', '--from', 'a@send.example', ...to, '--header', 'no colon here'],
    ['send', '--from', 'a@send.example', ...to, '--timeout', 'soon'],
    ['send', '--from', 'a@send.example', ...to, '--resolver', 'dns.google'],
    ['send', '--from', 'a@send.example', ...to, '--helo', 'bad helo'],
  ];
  for (const args of cases) {
    const r = await runBin(args);
    assert.equal(r.code, 2, `${args.join(' ')} -> ${r.code}: ${r.stdout}${r.stderr}`);
    assert.equal(r.stdout, '', args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^smtp-audit: /);
  }
});

test('exit 3 on a network error, with what to try', async () => {
  const closed = net.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const refused = await runBin(['send', '--server', `127.0.0.1:${port}`, '--from', 'a@send.example', '--to', 'b@send.example', '--format', 'json']);
  assert.equal(refused.code, 3, refused.stdout + refused.stderr);
  const failure = JSON.parse(refused.stdout).deliveries[0].failure;
  assert.equal(failure.kind, 'network');
  assert.equal(failure.code, 'ECONNREFUSED');
  assert.match(failure.hint, /nothing listens on port \d+/);

  // implicit TLS against a server that speaks plain SMTP first
  const wrongMode = await runBin(['send', '--server', `127.0.0.1:${serve.port}`, '--tls', 'implicit', '--from', 'a@send.example', '--to', 'b@send.example', '--timeout', '3000']);
  assert.equal(wrongMode.code, 3, wrongMode.stdout);
  assert.match(wrongMode.stdout, /^try +.*--tls starttls/m);
});

test('exit 1 when the server refuses a recipient or the whole message, with its reply and a hint', async () => {
  // a fixture MTA that relays nothing for outsiders
  const strict = new SMTPServer({
    authOptional: true, disableReverseLookup: true, logger: false, disabledCommands: ['STARTTLS'],
    onRcptTo(address, _session, callback) {
      if (address.address.endsWith('@send.example')) return callback();
      const error = new Error('5.7.1 Relaying denied') as Error & { responseCode: number };
      error.responseCode = 554;
      return callback(error);
    },
    onData(stream, _session, callback) { stream.on('end', () => callback(null, '2.0.0 Ok: queued as 4XyZ12')).resume(); },
  });
  await new Promise<void>((resolve) => strict.listen(0, '127.0.0.1', resolve));
  const port = (strict.server.address() as net.AddressInfo).port;
  try {
    const partly = await runBin(['send', '--server', `127.0.0.1:${port}`, '--from', 'a@send.example', '--to', 'b@send.example', '--to', 'c@outside.example']);
    assert.equal(partly.code, 1, partly.stdout);
    assert.match(partly.stdout, /^refused +c@outside\.example: 554 5\.7\.1 Relaying denied$/m);
    assert.match(partly.stdout, /^accepted +b@send\.example$/m);
    assert.match(partly.stdout, /^queue id +4XyZ12$/m, 'Postfix-style "queued as" id');

    const all = await runBin(['send', '--server', `127.0.0.1:${port}`, '--from', 'a@send.example', '--to', 'c@outside.example', '--format', 'json']);
    assert.equal(all.code, 1);
    const failure = JSON.parse(all.stdout).deliveries[0].failure;
    assert.equal(failure.kind, 'rejected');
    assert.equal(failure.reply, '554 5.7.1 Relaying denied');
    assert.match(failure.hint, /refused to relay: .*log in with --auth/);
  } finally {
    await new Promise<void>((resolve) => strict.close(() => resolve()));
  }

  // --require-tls against a server without STARTTLS
  const plain = await startServe(['--resolver', dns.address, '--no-tls']);
  try {
    const r = await runBin(['send', '--server', `127.0.0.1:${plain.port}`, '--require-tls', '--from', 'a@send.example', '--to', 'b@send.example']);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /^\+\d+ms +C: STARTTLS$/m);
    assert.match(r.stdout, /^try +.*STARTTLS/m);
  } finally {
    await plain.stop();
  }
});

test('without --server: delivery to each recipient domain\'s MX through --resolver (and --connect-to)', async () => {
  const r = await runBin(['send', '--resolver', dns.address, '--connect-to', `mx.send.example:25=127.0.0.1:${serve.port}`, '--from', 'joe@send.example', '--to', 'carol@send.example']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  // the MX host is mapped by --connect-to, so its address is not looked up (test/send/ca-file-connect-to.test.ts)
  assert.match(r.stdout, /^delivery for send\.example via its MX mx\.send\.example:25$/m);
  assert.match(r.stdout, /^\+\d+ms +\* {2}connecting to mx\.send\.example:25 \(--connect-to: 127\.0\.0\.1:\d+\)$/m);
  assert.match(r.stdout, /S: 250 2\.0\.0 \S+ spf=pass dkim=none dmarc=pass$/m);

  // no MX: the domain's own address record is the implicit MX (RFC 5321 section 5.1)
  const implicit = await runBin(['send', '--resolver', dns.address, '--connect-to', `implicit-mx.example:25=127.0.0.1:${serve.port}`, '--from', 'joe@send.example', '--to', 'postmaster@implicit-mx.example']);
  assert.equal(implicit.code, 0, implicit.stdout);
  assert.match(implicit.stdout, /^delivery for implicit-mx\.example via implicit-mx\.example:25 \(no MX record: implicit MX/m);

  // recipients in two domains: one delivery per domain, each with its own transcript
  const both = await runBin(['send', '--resolver', dns.address, '--connect-to', `mx.send.example:25=127.0.0.1:${serve.port}`, '--connect-to', `implicit-mx.example:25=127.0.0.1:${serve.port}`, '--from', 'joe@send.example', '--to', 'carol@send.example', '--to', 'postmaster@implicit-mx.example', '--to', 'dave@send.example', '--format', 'json']);
  assert.equal(both.code, 0, both.stdout);
  const deliveries = JSON.parse(both.stdout).deliveries;
  assert.deepEqual(deliveries.map((x: { via: string; domain: string; accepted: string[] }) => [x.via, x.domain, x.accepted]), [
    ['mx', 'send.example', ['carol@send.example', 'dave@send.example']],
    ['implicit-mx', 'implicit-mx.example', ['postmaster@implicit-mx.example']],
  ]);
  assert.ok(deliveries.every((x: { transcript: Array<{ text: string }> }) => x.transcript.some((l) => l.text === 'QUIT')));

  // a null MX or a domain that does not exist: refused, exit 1, no connection attempted
  const nullMx = await runBin(['send', '--resolver', dns.address, '--from', 'joe@send.example', '--to', 'x@null-mx.example', '--format', 'json']);
  assert.equal(nullMx.code, 1);
  const d = JSON.parse(nullMx.stdout).deliveries[0];
  assert.equal(d.failure.code, 'ENULLMX');
  assert.equal(d.attempts, 0);
  const missing = await runBin(['send', '--resolver', dns.address, '--from', 'joe@send.example', '--to', 'x@no-such-domain.send.example']);
  assert.equal(missing.code, 1);
  assert.match(missing.stdout, /no-such-domain\.send\.example does not exist \(NXDOMAIN\)/);
});

test('send --help: every option, the exit codes and examples', async () => {
  const r = await runBin(['send', '--help']);
  assert.equal(r.code, 0);
  for (const flag of ['--to', '--from', '--server', '--loopback', '--tls', '--require-tls', '--auth', '--helo', '--subject', '--body', '--header', '--eml', '--attach', '--dkim-key', '--dkim-selector', '--dkim-domain', '--resolver', '--format', '--ca-file', '--allow-plaintext-auth']) {
    assert.match(r.stdout, new RegExp(`^\\s+${flag}\\b`, 'm'), flag);
  }
  assert.match(r.stdout, /Examples:\n {2}smtp-audit send --loopback/);
  assert.match(r.stdout, /SMTP_AUDIT_PASSWORD/);
});
