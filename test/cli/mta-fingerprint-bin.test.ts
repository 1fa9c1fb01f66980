// The MTA fingerprint through the real bin: a scripted server that answers as a default Exim
// does (smtp_banner, PIPE_CONNECT and PRDR, "250 OK", "550 relay not permitted", "221 <host>
// closing connection") and offers no STARTTLS. The JSON facts carry the fingerprint per address,
// smtp/banner's notes name it, the table shows it, tls/starttls's fix is Exim's, and facts saved
// before the fingerprint existed (no `mta` field) replay to the same notes and fixes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { runBin } from '../support/run-bin.ts';
import { assertValidReport } from '../support/schema.ts';
import { MX1, route } from '../probe/support.ts';
import { startScriptedSmtp, type ScriptedServer } from '../send/scripted-smtp.ts';

const BANNER = '220 mx1.mx.probe.example ESMTP Exim 4.96 Fri, 04 Dec 2026 05:00:06 +0000';

let dns: FixtureDnsServer;
let exim: ScriptedServer;
before(async () => {
  dns = await startTestDns();
  exim = await startScriptedSmtp({
    greeting: { reply: BANNER },
    extensions: ['SIZE 52428800', '8BITMIME', 'PIPELINING', 'PIPE_CONNECT', 'PRDR', 'HELP'],
    respond: (command) => {
      const verb = command.split(/[ :]/)[0]!.toUpperCase();
      if (verb === 'MAIL') return { reply: '250 OK' };
      if (verb === 'RCPT') return { reply: '550 relay not permitted' };
      if (verb === 'RSET') return { reply: '250 Reset OK' };
      if (verb === 'QUIT') return { reply: '221 mx1.mx.probe.example closing connection', close: 'end' };
      return undefined;
    },
  });
});
after(async () => { await exim.stop(); await dns.stop(); });

const args = () => [
  'one.probe.example', '--resolver', dns.address, '--only', 'smtp,tls,relay', '--ehlo', 'probe.smtp-audit.invalid',
  '--timeout', '3000', '--greeting-timeout', '3000', '--connect-to', route(MX1, { address: `127.0.0.1:${exim.port}` }),
];

type Check = { id: string; status: string; notes?: string[]; findings: Array<{ code: string; remediation: string | null }> };
const check = (report: { checks: Check[] }, id: string) => report.checks.find((c) => c.id === id)!;

test('JSON: the fingerprint is in the facts per address, in the notes, and the fixes are Exim\'s; an old facts file replays to the same', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-mta-'));
  const file = join(dir, 'facts.json');
  const r = await runBin([...args(), '--format', 'json', '--save-facts', file]);
  const report = JSON.parse(r.stdout);
  assertValidReport(report);
  assert.equal(r.code, 1, r.stderr); // no STARTTLS: tls/starttls fails
  assert.deepEqual(report.facts.smtp.value.addresses[0].mta, {
    family: 'exim', version: '4.96', platform: null, confidence: 'high', source: 'banner', evidence: BANNER,
  });
  const banner = check(report, 'smtp/banner');
  assert.ok(banner.notes!.includes(`203.0.113.125 (mx1.mx.probe.example): Exim 4.96 (from the banner: "${BANNER}")`), banner.notes!.join('\n'));
  const starttls = check(report, 'tls/starttls');
  assert.equal(starttls.findings[0]!.code, 'tls/starttls.not-offered');
  assert.match(starttls.findings[0]!.remediation!, /^Exim \(recognised from the banner\): Debian: MAIN_TLS_ENABLE = yes/);
  assert.equal(check(report, 'relay/open').status, 'pass');
  assert.ok(!exim.commands.some((c) => /^(DATA|BDAT)/i.test(c)), 'never DATA');

  // facts saved before the fingerprint existed: no `mta` field; the checks work it out from the replies
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  for (const audit of saved.audits) for (const a of audit.facts.smtp.value.addresses) delete a.mta;
  writeFileSync(file, JSON.stringify(saved));
  const replay = await runBin(['--facts', file, '--only', 'smtp,tls,relay', '--format', 'json']);
  const old = JSON.parse(replay.stdout);
  assert.equal(replay.code, r.code, replay.stderr);
  assert.deepEqual(check(old, 'smtp/banner').notes, banner.notes);
  assert.deepEqual(check(old, 'tls/starttls').findings, starttls.findings);
});

test('table: the smtp/banner note names the MTA (with --verbose for a passing check)', async () => {
  const r = await runBin([...args(), '--no-color', '--verbose'], { env: { COLUMNS: '400' } });
  assert.match(r.stdout, /203\.0\.113\.125 \(mx1\.mx\.probe\.example\): Exim 4\.96 \(from the banner: "220 mx1\.mx\.probe\.example ESMTP Exim 4\.96/);
  assert.match(r.stdout, /Exim \(recognised from the banner\): Debian: MAIN_TLS_ENABLE = yes/);
});
