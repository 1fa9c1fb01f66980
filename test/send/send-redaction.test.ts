// The transcript never carries AUTH credentials (RFC 4954 section 4): neither the password nor
// any base64 form a client sends it in, for AUTH PLAIN and AUTH LOGIN, in table and JSON output.
// The sessions really authenticate (235, and the server saw the user), so a send that silently
// skipped AUTH could not pass. The --tls none sessions need --allow-plaintext-auth (a test rig:
// the loopback server on this machine); plaintext-auth.test.ts covers the rule itself.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { runBin } from '../support/run-bin.ts';

const USER = 'alice@send.example';
const SECRET = 'Tr0ub4dor&3-correct-horse';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
// every form the secret could leak in: raw, AUTH LOGIN's base64, AUTH PLAIN's base64 with and
// without an authorization identity, and unpadded base64
const FORBIDDEN = [
  SECRET,
  b64(SECRET),
  b64(SECRET).replace(/=+$/, ''),
  b64(`\u0000${USER}\u0000${SECRET}`),
  b64(`${USER}\u0000${USER}\u0000${SECRET}`),
  b64(USER), // AUTH LOGIN's first answer is the user name in base64: redacted as well
];

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());

function assertClean(text: string, label: string): void {
  for (const form of FORBIDDEN) assert.equal(text.includes(form), false, `${label} contains ${JSON.stringify(form)}`);
}

for (const [method, tls] of [['plain', 'starttls'], ['login', 'starttls'], ['plain', 'none'], ['login', 'none']] as const) {
  test(`AUTH ${method.toUpperCase()} (--tls ${tls}): authenticated, and no form of the password in the output`, async () => {
    for (const format of ['table', 'json']) {
      const r = await runBin(
        ['send', '--loopback', '--resolver', dns.address, '--from', 'joe@send.example', '--to', 'carol@send.example', '--auth', USER, '--auth-method', method, '--tls', tls, '--format', format,
          ...(tls === 'none' ? ['--allow-plaintext-auth'] : [])],
        { env: { SMTP_AUDIT_PASSWORD: SECRET } },
      );
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assertClean(r.stdout, `${method}/${tls}/${format} stdout`);
      assertClean(r.stderr, `${method}/${tls}/${format} stderr`);
      const lines: Array<{ dir: string; text: string }> = format === 'json'
        ? JSON.parse(r.stdout).deliveries[0].transcript
        : r.stdout.split('\n').flatMap((l) => { const m = /^\+\d+ms +(C|S): (.*)$/.exec(l); return m ? [{ dir: m[1]!, text: m[2]! }] : []; });
      const texts = lines.map((l) => `${l.dir}: ${l.text}`);
      if (method === 'plain') {
        assert.ok(texts.includes('C: AUTH PLAIN <redacted>'), texts.join('\n'));
      } else {
        const at = texts.indexOf('C: AUTH LOGIN');
        assert.ok(at >= 0, texts.join('\n'));
        assert.deepEqual(texts.slice(at, at + 5), ['C: AUTH LOGIN', 'S: 334 VXNlcm5hbWU6', 'C: <redacted>', 'S: 334 UGFzc3dvcmQ6', 'C: <redacted>']);
      }
      assert.ok(texts.some((t) => /^S: 235 /.test(t)), 'the server accepted the login');
      if (format === 'json') {
        const arrival = JSON.parse(r.stdout).loopback.arrivals[0];
        assert.equal(arrival.session.authUser, USER, 'the server really received the credentials');
        assert.equal(arrival.session.transmission, tls === 'none' ? 'ESMTPA' : 'ESMTPSA');
      }
    }
  });
}

test('the password never comes from the command line: without SMTP_AUDIT_PASSWORD and no terminal, a usage error', async () => {
  const r = await runBin(['send', '--loopback', '--resolver', dns.address, '--from', 'joe@send.example', '--to', 'carol@send.example', '--auth', USER], { env: { SMTP_AUDIT_PASSWORD: '' } });
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^smtp-audit: --auth needs a password: set SMTP_AUDIT_PASSWORD/);
  const help = await runBin(['send', '--help']);
  assert.doesNotMatch(help.stdout, /--pass(word)?\b/, 'there is no password flag');
});
