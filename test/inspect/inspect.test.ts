// `smtp-audit inspect` through the real bin: the DKIM vectors of test/vectors/dkim (their
// key records served by the fixture DNS, as the conformance README lists them), and the multi-hop
// message in fixtures/messages/ whose route and recorded results we know.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { conformancePath } from '../support/conformance.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { runBin } from '../support/run-bin.ts';

const MULTI_HOP = 'fixtures/messages/multi-hop.eml';
const work = mkdtempSync(join(tmpdir(), 'smtp-audit-inspect-'));

/** Key records from the conformance README and data files, as one zone. */
function conformanceZone(): { zone: string; stalwart: string[] } {
  const txt = (name: string, value: string) => `${name}. 60 IN TXT "${value.trim()}"`;
  const lines = [
    // README: the public half of rfc8032_7_1.key, the RFC 8463 "brisbane" key
    txt('brisbane._domainkey.football.example.com', 'v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo='),
    txt('test._domainkey.football.example.com', readFileSync(conformancePath('dkim/dkimpy/test.txt'), 'utf8')),
    txt('sed._domainkey.test.ex', readFileSync(conformancePath('dkim/dkimpy/eximtest.dns'), 'utf8')),
  ];
  // stalwart files: "<owner> <TXT value>" lines, a blank line, then the message
  const stalwart: string[] = [];
  for (const name of ['001-rfc8463-relaxed.txt', '002-rsa-simple.txt']) {
    const text = readFileSync(conformancePath('dkim/stalwart', name), 'utf8');
    const blank = text.indexOf('\n\n');
    for (const line of text.slice(0, blank).split('\n')) {
      const space = line.indexOf(' ');
      lines.push(txt(line.slice(0, space), line.slice(space + 1)));
    }
    const file = join(work, name.replace(/\.txt$/, '.eml'));
    writeFileSync(file, text.slice(blank + 2));
    stalwart.push(file);
  }
  return { zone: [...new Set(lines)].join('\n'), stalwart };
}

let dns: FixtureDnsServer;
let stalwart: string[];
before(async () => {
  const conformance = conformanceZone();
  stalwart = conformance.stalwart;
  dns = await startTestDns({ extraZone: conformance.zone });
});
after(() => dns.stop());

test('every signature of the conformance DKIM vectors verifies (RSA and Ed25519, simple and relaxed, LF files)', async () => {
  const vectors: Array<[string, string[]]> = [
    [conformancePath('dkim/dkimpy/rfc6376.signed.msg'), ['football.example.com/brisbane/ed25519-sha256', 'football.example.com/test/rsa-sha256']],
    [conformancePath('dkim/dkimpy/ed25519test2.msg'), ['test.ex/sed/ed25519-sha256']],
    [stalwart[0]!, ['football.example.com/brisbane/ed25519-sha256', 'football.example.com/test/rsa-sha256']],
    [stalwart[1]!, ['example.com/newengland/rsa-sha256']],
  ];
  for (const [file, expected] of vectors) {
    const r = await runBin(['inspect', file, '--resolver', dns.address, '--format', 'json']);
    assert.equal(r.code, 0, `${file}: ${r.stdout}${r.stderr}`);
    const report = JSON.parse(r.stdout);
    const sigs = report.verdict.dkim as Array<{ result: string; domain: string; selector: string; algorithm: string }>;
    assert.deepEqual(sigs.map((s) => `${s.domain}/${s.selector}/${s.algorithm}`), expected, file);
    for (const s of sigs) assert.equal(s.result, 'pass', `${file} ${s.selector}`);
    assert.equal(report.verdict.spf.evaluated, false, 'no client address in these messages');
  }
});

test('a conformance vector with one changed byte fails, exit 1', async () => {
  const original = readFileSync(conformancePath('dkim/dkimpy/rfc6376.signed.msg'), 'utf8');
  const file = join(work, 'tampered.msg');
  writeFileSync(file, original.replace('Are you hungry yet?', 'Are you hungry now?'));
  const r = await runBin(['inspect', file, '--resolver', dns.address]);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stdout, /^ {2}dkim {3}fail {6}d=football\.example\.com s=brisbane ed25519-sha256: body hash did not verify$/m);
  assert.match(r.stdout, /^ {2}dkim {3}fail {6}d=football\.example\.com s=test rsa-sha256: body hash did not verify$/m);
});

test('the multi-hop message: its route hop by hop with delays, TLS per hop, and what the receiver recorded', async () => {
  const r = await runBin(['inspect', MULTI_HOP, '--resolver', dns.address, '--format', 'json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const report = JSON.parse(r.stdout);
  const hops = report.route.hops.map((h: Record<string, unknown>) => ({
    from: h.from, fromIp: h.fromIp, by: h.by, with: h.with, id: h.id, for: h.for, tls: h.tls, time: h.time, delayMs: h.delayMs,
  }));
  assert.deepEqual(hops, [
    { from: '[192.168.1.20]', fromIp: '203.0.113.9', by: 'smtp.send.example', with: 'ESMTPSA', id: '4Xb2Lp0kQzz3wT1', for: 'carol@inbox.example', tls: { used: true, version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' }, time: '2026-11-23T09:00:02.000Z', delayMs: 1000 },
    { from: 'smtp.send.example', fromIp: '10.0.0.5', by: 'relay.send.example', with: 'ESMTP', id: '4Xb2Lq1mNPz9vKd', for: 'carol@inbox.example', tls: { used: false, version: null, cipher: null }, time: '2026-11-23T09:00:03.000Z', delayMs: 1000 },
    { from: 'relay.send.example', fromIp: '198.51.100.25', by: 'mx.inbox.example', with: 'esmtps', id: '1tEr9k-000Abc-2F', for: 'carol@inbox.example', tls: { used: true, version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' }, time: '2026-11-23T09:00:09.000Z', delayMs: 6000 },
    { from: 'mx.inbox.example', fromIp: '127.0.0.1', by: 'store.inbox.example', with: 'LMTP', id: 'kF3pAAf2QWcRBQAA', for: 'carol@inbox.example', tls: { used: false, version: null, cipher: null }, time: '2026-11-23T09:00:10.000Z', delayMs: 1000 },
  ]);
  assert.equal(report.route.totalMs, 9000);
  // SPF evaluated again for the connection Received-SPF names
  assert.deepEqual(report.connection, {
    clientIp: '198.51.100.25', clientIpFrom: 'received-spf', helo: 'relay.send.example', heloFrom: 'received-spf', mailFrom: 'bounce@send.example', mailFromFrom: 'received-spf',
  });
  assert.equal(report.verdict.spf.result, 'pass');
  assert.equal(report.verdict.dkim[0].result, 'pass');
  assert.equal(report.verdict.dmarc.result, 'pass');
  assert.deepEqual(report.recorded.authenticationResults[0].results.map((x: { method: string; result: string }) => `${x.method}=${x.result}`), ['spf=pass', 'dkim=pass', 'dmarc=pass']);
  assert.equal(report.recorded.authenticationResults[0].authservId, 'mx.inbox.example');
  assert.equal(report.recorded.receivedSpf[0].clientIp, '198.51.100.25');
});

test('the multi-hop message as a table', async () => {
  const r = await runBin(['inspect', MULTI_HOP, '--resolver', dns.address]);
  assert.equal(r.code, 0, r.stdout);
  const out = r.stdout;
  assert.match(out, /^ {2}Subject {5}Quarterly numbers$/m);
  assert.match(out, /^verification now: client 198\.51\.100\.25 \(from Received-SPF\), HELO relay\.send\.example \(from Received-SPF\), MAIL FROM bounce@send\.example \(from Received-SPF\)$/m);
  assert.match(out, /^recorded by mx\.inbox\.example: spf=pass dkim=pass dmarc=pass$/m);
  assert.match(out, /^route: 4 hops, oldest first, 9s from Date to the last hop$/m);
  const rows = out.split('\n').filter((l) => /^ {2}\d+ +[+-]/.test(l)).map((l) => l.trim().split(/\s{2,}/));
  assert.deepEqual(rows.map((cells) => [cells[0], cells[1], cells[4], cells[5], cells[6]]), [
    ['1', '+1s', 'smtp.send.example', 'ESMTPSA', 'TLSv1.3'],
    ['2', '+1s', 'relay.send.example', 'ESMTP', 'no'],
    ['3', '+6s', 'mx.inbox.example', 'esmtps', 'TLSv1.3'],
    ['4', '+1s', 'store.inbox.example', 'LMTP', 'no'],
  ]);
  assert.match(rows[0]![3]!, /^\[192\.168\.1\.20\] \(dsl-203-0-113-9\.isp\.example 203\.0\.113\.9\)$/);
});

test('--ip/--helo/--mail-from override the trace fields: SPF fails for another address, DMARC still passes on DKIM', async () => {
  const r = await runBin(['inspect', MULTI_HOP, '--resolver', dns.address, '--ip', '192.0.2.99', '--helo', 'rogue.example', '--mail-from', 'x@send.example', '--format', 'json']);
  assert.equal(r.code, 0, r.stdout);
  const report = JSON.parse(r.stdout);
  assert.deepEqual([report.connection.clientIp, report.connection.clientIpFrom, report.connection.heloFrom, report.connection.mailFromFrom], ['192.0.2.99', 'flag', 'flag', 'flag']);
  assert.equal(report.verdict.spf.result, 'fail');
  assert.equal(report.verdict.dmarc.result, 'pass');
  assert.equal(report.verdict.dmarc.spfAligned, null);
  assert.equal(report.verdict.dmarc.dkimAligned, 'send.example');
});

test('LF and CRLF copies of a message give the same verdicts', async () => {
  const crlf = join(work, 'multi-hop-crlf.eml');
  writeFileSync(crlf, readFileSync(MULTI_HOP, 'utf8').replace(/\n/g, '\r\n'));
  const a = JSON.parse((await runBin(['inspect', MULTI_HOP, '--resolver', dns.address, '--format', 'json'])).stdout);
  const b = JSON.parse((await runBin(['inspect', crlf, '--resolver', dns.address, '--format', 'json'])).stdout);
  assert.deepEqual(b.verdict, a.verdict);
  assert.deepEqual(b.route, a.route);
});

test('usage errors: exit 2, one line', async () => {
  const notMail = join(work, 'notes.txt');
  writeFileSync(notMail, '\n\nnot a message\n');
  for (const args of [['inspect'], ['inspect', join(work, 'missing.eml')], ['inspect', notMail], ['inspect', MULTI_HOP, '--ip', 'nope'], ['inspect', MULTI_HOP, '--format', 'yaml'], ['inspect', MULTI_HOP, '--resolver', 'dns.google']]) {
    const r = await runBin(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('inspect --help: options, exit codes and examples', async () => {
  const r = await runBin(['inspect', '--help']);
  assert.equal(r.code, 0);
  for (const flag of ['--ip', '--helo', '--mail-from', '--resolver', '--format']) assert.match(r.stdout, new RegExp(`^\\s+${flag}\\b`, 'm'), flag);
  assert.match(r.stdout, /Exit codes: 0 nothing failed/);
  assert.match(r.stdout, /Examples:\n {2}smtp-audit inspect message\.eml/);
});
