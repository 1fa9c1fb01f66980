// `smtp-audit send` into a real MTA, and a second client (swaks) into `smtp-audit serve`:
// - Exim (Debian's configuration, submission ports added) on 587 with STARTTLS and AUTH, on 465
//   with TLS from the first byte and AUTH, and on 2525 without either; each message is then
//   found in Exim's mailbox file;
// - the password never appears in send's transcript, and AUTH is refused before TLS (Exim
//   offers AUTH over TLS only);
// - swaks sends to `smtp-audit serve`, which accepts the message and answers with its verdicts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SuiteDns } from './support/dns.ts';
import { SUBMISSION } from './support/network.ts';
import type { SuitePki } from './support/pki.ts';
import { startSuite } from './support/suite.ts';
import { BIN, runBin } from './support/run.ts';
import { startExim, SUBMISSION_PASSWORD, SUBMISSION_USER, type RunningExim } from './mta/exim.ts';

const WORK = `${process.env.INTEROP_WORK ?? '/var/lib/smtp-audit-interop/run'}-send`;
let dns: SuiteDns;
let pki: SuitePki;
let exim: RunningExim;

before(async () => {
  ({ dns, pki } = await startSuite(WORK));
  // Exim trusts its -C file only at the paths test/interop/setup.sh lists: exim-submission under the work root
  exim = await startExim({ site: SUBMISSION, dir: join(process.env.INTEROP_WORK ?? '/var/lib/smtp-audit-interop/run', 'exim-submission'), pki, nameserver: dns.resolver.split(':')[0]!, submission: true });
});
after(async () => {
  await exim?.stop();
  await dns?.stop();
});

function send(port: number, tls: 'starttls' | 'implicit' | 'none', subject: string, auth: boolean) {
  return runBin(['send', '--server', `${SUBMISSION.mx}:${port}`, '--resolver', dns.resolver, '--ca-file', pki.caFile, '--verify-cert',
    '--tls', tls, '--from', `tester@${SUBMISSION.domain}`, '--to', `inbox@${SUBMISSION.domain}`, '--subject', subject, '--format', 'json',
    ...(auth ? ['--auth', SUBMISSION_USER] : [])], auth ? { SMTP_AUDIT_PASSWORD: SUBMISSION_PASSWORD } : {});
}

for (const [port, tls, auth] of [[587, 'starttls', true], [465, 'implicit', true], [2525, 'none', false]] as const) {
  test(`send on ${port} (${tls}${auth ? ', AUTH' : ''}): accepted, and the message is in Exim's mailbox`, async () => {
    const subject = `interop ${port} ${Date.now()}`;
    const run = await send(port, tls, subject, auth);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const out = JSON.parse(run.stdout);
    assert.ok(!run.stdout.includes(SUBMISSION_PASSWORD), 'the password is never in the transcript');
    if (auth) assert.match(run.stdout, /AUTH (PLAIN|LOGIN)/);
    if (tls !== 'none') assert.match(JSON.stringify(out), /TLSv1\.[23]/);
    // Exim delivers in the background right after the 250: give it a moment
    let box = '';
    for (let i = 0; i < 50 && !box.includes(subject); i++) {
      await new Promise((r) => setTimeout(r, 100));
      box = readFileSync(exim.mailbox, 'utf8');
    }
    assert.ok(box.includes(`Subject: ${subject}`), `the mailbox holds the message (${box.length} bytes)`);
  });
}

test('AUTH without TLS is never attempted: Exim offers AUTH only over TLS, and send stops before sending the password', async () => {
  const run = await runBin(['send', '--server', `${SUBMISSION.mx}:2525`, '--resolver', dns.resolver, '--tls', 'none', '--allow-plaintext-auth',
    '--auth', SUBMISSION_USER, '--from', `tester@${SUBMISSION.domain}`, '--to', `inbox@${SUBMISSION.domain}`, '--format', 'json'], { SMTP_AUDIT_PASSWORD: SUBMISSION_PASSWORD });
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.ok(!run.stdout.includes(SUBMISSION_PASSWORD) && !run.stderr.includes(SUBMISSION_PASSWORD));
  assert.match(run.stdout + run.stderr, /AUTH/);
});

test('swaks into smtp-audit serve: the second client is accepted and gets the verdicts in the 250 reply', async () => {
  const store = join(WORK, 'serve');
  mkdirSync(store, { recursive: true });
  const port = 2600 + Math.floor(Math.random() * 300);
  const serve = spawn(process.execPath, [BIN, 'serve', '--listen', `127.0.0.1:${port}`, '--resolver', dns.resolver, '--dir', store, '--once', '--format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let served = '';
  serve.stdout.setEncoding('utf8').on('data', (d: string) => { served += d; });
  try {
    for (let i = 0; i < 100 && !/listening|ready/i.test(served); i++) await new Promise((r) => setTimeout(r, 100));
    const swaks = spawnSync('swaks', ['--server', '127.0.0.1', '--port', String(port), '--from', `tester@${SUBMISSION.domain}`, '--to', `inbox@${SUBMISSION.domain}`,
      '--helo', 'swaks.interop.example', '--header', 'Subject: swaks interop'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(swaks.status, 0, swaks.stdout + swaks.stderr);
    assert.match(swaks.stdout, /<[-~] {1,2}250 .*spf=\w+ dkim=\w+ dmarc=\w+/, 'serve answers the end of data with its verdicts');
    await new Promise<void>((resolve) => { if (serve.exitCode !== null) resolve(); else serve.once('exit', () => resolve()); });
    assert.equal(readdirSync(store).filter((f) => f.endsWith('.eml')).length, 1, 'the message was kept');
  } finally {
    serve.kill('SIGKILL');
  }
});
