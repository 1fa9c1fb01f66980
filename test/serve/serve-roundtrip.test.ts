// send -> serve round trips on loopback, both through the real bin: the verdicts serve reaches
// on arrival (SPF, DKIM per signature, DMARC) from the fixture DNS (fixtures/zones/send-domains.zone,
// keys in fixtures/keys/), what it stores, and the verdict words send reads back from the 250.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { runBin } from '../support/run-bin.ts';
import { startServe, type ServeEvent } from './serve-process.ts';

const RSA = 'fixtures/keys/send-rsa2048.pem';
const ED25519 = 'fixtures/keys/send-ed25519.pem';

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());

interface Verdict { spf: { result: string }; dkim: Array<{ result: string; selector: string; domain: string; algorithm: string; aligned: string | null }>; dmarc: { result: string; spfAligned: string | null; dkimAligned: string | null } }
const messageEvents = (events: ServeEvent[]) => events.filter((e) => e.event === 'message') as unknown as Array<{ id: string; reply: string; verdict: Verdict; files: { eml: string; json: string }; session: { authUser: string | null; tls: unknown; mailFrom: string } }>;

async function sendTo(port: number, args: string[], env?: NodeJS.ProcessEnv) {
  return runBin(['send', '--server', `127.0.0.1:${port}`, '--to', 'carol@send.example', '--resolver', dns.address, ...args], { env });
}

test('RSA and Ed25519 signatures pass on arrival; the 250 reply carries the verdicts into send\'s transcript', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-serve-'));
  const serve = await startServe(['--resolver', dns.address, '--dir', dir]);
  try {
    for (const [key, selector, algorithm] of [[RSA, 'rsa2048', 'rsa-sha256'], [ED25519, 'ed25519', 'ed25519-sha256']] as const) {
      const r = await sendTo(serve.port, ['--from', 'Joe <joe@send.example>', '--dkim-key', key, '--dkim-selector', selector]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      // the verdicts, read back from the server's final reply in send's own transcript
      const replyLine = r.stdout.split('\n').find((l) => /^\+\d+ms\s+S: 250 2\.0\.0 /.test(l));
      assert.ok(replyLine, r.stdout);
      assert.match(replyLine!, /spf=pass dkim=pass dmarc=pass$/);
      assert.match(r.stdout, /^verdicts\s+spf=pass dkim=pass dmarc=pass \(from the server's reply\)$/m);
      const arrival = messageEvents(serve.events()).at(-1)!;
      assert.match(replyLine!, new RegExp(`S: 250 2\\.0\\.0 ${arrival.id} `));
      assert.equal(arrival.verdict.spf.result, 'pass');
      assert.deepEqual(arrival.verdict.dkim.map((d) => [d.result, d.domain, d.selector, d.algorithm, d.aligned]), [['pass', 'send.example', selector, algorithm, 'send.example']]);
      assert.equal(arrival.verdict.dmarc.result, 'pass');
      assert.equal(arrival.session.mailFrom, 'joe@send.example');
      assert.ok(arrival.session.tls, 'STARTTLS was used');
      // stored: the message with our trace fields on top, and the verdict file
      const eml = readFileSync(arrival.files.eml, 'utf8');
      assert.match(eml, /^Authentication-Results: smtp-audit\.loopback;/);
      assert.match(eml, new RegExp(`dkim=pass header\\.d=send\\.example header\\.i=@send\\.example header\\.s=${selector}`));
      assert.match(eml, /^Received: from \[127\.0\.0\.1\] \(\[127\.0\.0\.1\]\)\r\n\tby smtp-audit\.loopback \(smtp-audit\) with ESMTPS id /m);
      const saved = JSON.parse(readFileSync(arrival.files.json, 'utf8'));
      assert.equal(saved.verdict.dmarc.result, 'pass');
      assert.equal(saved.reply, arrival.reply);
    }
    assert.equal(readdirSync(dir).length, 4);
  } finally {
    const r = await serve.stop();
    assert.equal(r.code, 0, r.stderr);
  }
});

test('both signatures on one message are reported one by one', async () => {
  const serve = await startServe(['--resolver', dns.address]);
  try {
    const r = await sendTo(serve.port, ['--from', 'joe@send.example', '--dkim-key', RSA, '--dkim-selector', 'rsa2048', '--dkim-key', ED25519, '--dkim-selector', 'ed25519', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(report.message.dkim.map((k: { selector: string; algorithm: string }) => [k.selector, k.algorithm]), [['rsa2048', 'rsa-sha256'], ['ed25519', 'ed25519-sha256']]);
    assert.deepEqual(report.deliveries[0].replyVerdicts, { spf: 'pass', dkim: 'pass', dmarc: 'pass' });
    const arrival = messageEvents(serve.events())[0]!;
    assert.deepEqual(arrival.verdict.dkim.map((d) => `${d.selector}=${d.result}`).sort(), ['ed25519=pass', 'rsa2048=pass']);
  } finally {
    await serve.stop();
  }
});

test('a message altered after signing fails DKIM; inspect agrees', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-serve-'));
  const serve = await startServe(['--resolver', dns.address, '--dir', dir]);
  try {
    const signed = await sendTo(serve.port, ['--from', 'joe@send.example', '--mail-from', 'bounce@elsewhere.example', '--body', 'Pay invoice 1001 to account 12345.', '--dkim-key', RSA, '--dkim-selector', 'rsa2048']);
    assert.equal(signed.code, 0, signed.stdout);
    const original = messageEvents(serve.events())[0]!;
    assert.equal(original.verdict.dkim[0]!.result, 'pass');
    // someone on the way changes the body
    const altered = join(dir, 'altered.eml');
    const text = readFileSync(original.files.eml, 'latin1');
    assert.ok(text.includes('12345'));
    writeFileSync(altered, text.replace('12345', '99999'), 'latin1');

    const resent = await sendTo(serve.port, ['--eml', altered, '--mail-from', 'bounce@elsewhere.example']);
    assert.equal(resent.code, 0, 'the server accepts it; the verdict is in the reply');
    assert.match(resent.stdout, /S: 250 2\.0\.0 \S+ spf=fail dkim=fail dmarc=fail$/m);
    const arrival = messageEvents(serve.events())[1]!;
    assert.equal(arrival.verdict.dkim[0]!.result, 'fail');
    assert.equal(arrival.verdict.dmarc.result, 'fail', 'SPF is for elsewhere.example (-all) and the signature broke: nothing aligns');

    const inspected = await runBin(['inspect', altered, '--resolver', dns.address, '--format', 'json']);
    assert.equal(inspected.code, 1, inspected.stderr);
    const report = JSON.parse(inspected.stdout);
    assert.equal(report.verdict.dkim[0].result, 'fail');
    assert.match(report.verdict.dkim[0].comment, /body hash/);
  } finally {
    await serve.stop();
  }
});

test('--once: exit 0 when DMARC passes, 1 when the From domain is not aligned', async () => {
  const good = await startServe(['--resolver', dns.address, '--once']);
  const sent = await sendTo(good.port, ['--from', 'joe@send.example', '--dkim-key', ED25519, '--dkim-selector', 'ed25519']);
  assert.equal(sent.code, 0, sent.stdout);
  assert.match(sent.stdout, /S: 221 /, 'the sender finished its session before serve exited');
  const goodExit = await good.exited;
  assert.equal(goodExit.code, 0, goodExit.stderr);

  // From elsewhere.example, signed and sent as send.example: SPF and DKIM pass, DMARC fails.
  const bad = await startServe(['--resolver', dns.address, '--once']);
  const misaligned = await sendTo(bad.port, ['--from', 'joe@elsewhere.example', '--mail-from', 'bounce@send.example', '--dkim-key', RSA, '--dkim-selector', 'rsa2048', '--dkim-domain', 'send.example']);
  assert.equal(misaligned.code, 0, misaligned.stdout);
  assert.match(misaligned.stdout, /S: 250 2\.0\.0 \S+ spf=pass dkim=pass dmarc=fail$/m);
  const badExit = await bad.exited;
  assert.equal(badExit.code, 1);
  const arrival = messageEvents(badExit.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)))[0]!;
  assert.equal(arrival.verdict.dkim[0]!.aligned, null);
  assert.equal(arrival.verdict.dmarc.spfAligned, null);
  assert.equal(arrival.verdict.dmarc.dkimAligned, null);
});

test('--client-ip makes SPF judge another address', async () => {
  const serve = await startServe(['--resolver', dns.address, '--client-ip', '192.0.2.99']);
  try {
    const r = await sendTo(serve.port, ['--from', 'joe@send.example', '--dkim-key', RSA, '--dkim-selector', 'rsa2048']);
    assert.match(r.stdout, /spf=fail dkim=pass dmarc=pass$/m, 'SPF fails for 192.0.2.99, DMARC passes on DKIM alone');
  } finally {
    await serve.stop();
  }
});

test('table output: the listening line, then one compact verdict block per message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-serve-'));
  const serve = await startServe(['--resolver', dns.address, '--dir', dir, '--once'], { format: 'table' });
  const sent = await sendTo(serve.port, ['--from', 'joe@send.example']);
  assert.equal(sent.code, 0, sent.stdout);
  const out = await serve.exited;
  assert.equal(out.code, 0, 'unsigned, but SPF passes and aligns, so DMARC passes');
  assert.match(out.stdout, /^smtp-audit serve: listening on 127\.0\.0\.1:\d+$/m);
  assert.match(out.stdout, new RegExp(`messages are kept in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.match(out.stdout, /^message \S+ from 127\.0\.0\.1 \(HELO \S+\), TLSv1\.3 \S+, \d+ bytes$/m);
  assert.match(out.stdout, /^ {2}spf {4}pass {6}send\.example for 127\.0\.0\.1: v=spf1/m);
  assert.match(out.stdout, /^ {2}dkim {3}none {6}the message has no DKIM-Signature$/m);
  assert.match(out.stdout, /^ {2}dmarc {2}pass {6}From send\.example, p=reject; aligned: spf send\.example$/m);
  assert.match(out.stdout, /^ {2}saved {2}\S+\.eml$/m);
  assert.match(out.stdout, /^ {2}reply {2}250 2\.0\.0 \S+ spf=pass dkim=none dmarc=pass$/m);
});

test('serve --help: options, how the certificate is made, examples', async () => {
  const r = await runBin(['serve', '--help']);
  assert.equal(r.code, 0);
  for (const flag of ['--listen', '--dir', '--resolver', '--client-ip', '--cert', '--key', '--no-tls', '--no-auth', '--max-message-size', '--max-header-fields',
    '--max-header-lines', '--max-header-field-size', '--max-line-length', '--verify-timeout', '--max-connections', '--max-connections-per-ip', '--once']) {
    assert.match(r.stdout, new RegExp(`^\\s+${flag}\\b`, 'm'), flag);
  }
  assert.match(r.stdout, /no openssl binary is needed/);
  assert.match(r.stdout, /Examples:\n {2}smtp-audit serve/);
});

test('serve usage errors: exit 2, one line, nothing listening', async () => {
  for (const args of [['--listen', 'nowhere:x'], ['--listen', 'mail.example:25'], ['--max-size', '12'], ['--max-message-size', '1M', '--max-size', '2M'], ['--max-header-lines', 'many'],
    ['--max-connections', '0'], ['--max-connections-per-ip', '1.5'], ['--verify-timeout', '10'], ['--cert', 'fixtures/keys/README.md'], ['--format', 'yaml'], ['--client-ip', 'me'], ['--resolver', 'dns.google']]) {
    const r = await runBin(['serve', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('--cert/--key: the server presents that certificate', async () => {
  const { createSelfSignedCertificate } = await import('../../src/serve/self-signed-cert.ts');
  const pair = createSelfSignedCertificate('mx.send.example');
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-cert-'));
  writeFileSync(join(dir, 'cert.pem'), pair.cert);
  writeFileSync(join(dir, 'key.pem'), pair.key);
  const serve = await startServe(['--resolver', dns.address, '--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem')]);
  try {
    const listening = serve.events()[0] as unknown as { tls: { fingerprint256: string; generated: boolean } };
    assert.deepEqual(listening.tls, { fingerprint256: pair.fingerprint256, generated: false });
    const r = await sendTo(serve.port, ['--from', 'joe@send.example', '--format', 'json']);
    assert.equal(r.code, 0, r.stdout);
    const cert = JSON.parse(r.stdout).deliveries[0].tls.certificate;
    assert.equal(cert.fingerprint256, pair.fingerprint256);
    assert.equal(cert.subject, 'CN=mx.send.example');
  } finally {
    await serve.stop();
  }
});

test('--no-auth: AUTH is not offered, and a sender that needs it is told so (send stops before AUTH, exit 2)', async () => {
  const serve = await startServe(['--resolver', dns.address, '--no-auth']);
  try {
    const r = await sendTo(serve.port, ['--from', 'joe@send.example', '--auth', 'joe', '--format', 'json'], { SMTP_AUDIT_PASSWORD: 'x' });
    assert.equal(r.code, 2, r.stdout);
    const delivery = JSON.parse(r.stdout).deliveries[0];
    assert.equal(delivery.transcript.some((l: { text: string }) => /^250[ -]AUTH\b/.test(l.text)), false);
    assert.equal(delivery.failure.code, 'ENOAUTH');
    assert.match(delivery.failure.hint, /does not offer AUTH/);
    assert.equal(messageEvents(serve.events()).length, 0);
  } finally {
    await serve.stop();
  }
});

test('--max-message-size (and its old name --max-size): a bigger message is refused by the announced SIZE limit (exit 1)', async () => {
  const old = await startServe(['--resolver', dns.address, '--max-size', '2K']);
  assert.equal((old.events()[0] as unknown as { limits: { maxMessageSize: number } }).limits.maxMessageSize, 2048);
  await old.stop();
  const serve = await startServe(['--resolver', dns.address, '--max-message-size', '2048']);
  try {
    const r = await sendTo(serve.port, ['--from', 'joe@send.example', '--body', 'x'.repeat(4000)]);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /^\+\d+ms +S: 250 SIZE 2048$/m);
    assert.match(r.stdout, /^try +the message is too big/m);
    const small = await sendTo(serve.port, ['--from', 'joe@send.example', '--body', 'short']);
    assert.equal(small.code, 0, small.stdout);
  } finally {
    await serve.stop();
  }
});
