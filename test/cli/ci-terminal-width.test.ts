// Lines fit the terminal (issue 16): the table report, `smtp-audit checks` and every --help,
// through the real bin. Piped output (no terminal) is laid out for 80 columns unless COLUMNS
// says otherwise; on a terminal, for its width.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { displayWidth } from '../../src/report/wrap-text.ts';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { BIN, runBin } from '../support/run-bin.ts';

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());

const NARROW = { COLUMNS: '' };
const tooWide = (text: string, width: number): string[] => text.split('\n').filter((line) => displayWidth(line) > width);

const DOMAINS = ['mx-bad.example', 'clean.example', 'spf-deep.example', 'implicit-mx.example', 'null-mx.example', 'ctl.example', 'mx-timeout.example'];

test('the table report: no line over 80 columns when piped, nor over COLUMNS when it is set; verbose too', async () => {
  const args = () => [...DOMAINS, '--resolver', dns.address, '--no-smtp', '--no-default-dnsbls', '--timeout', '300', '--dns-tries', '1'];
  const plain = await runBin(args(), { env: NARROW });
  assert.ok(plain.stdout.split('\n').length > 100, plain.stderr);
  assert.deepEqual(tooWide(plain.stdout, 80), []);
  assert.ok(plain.stdout.split('\n').some((line) => displayWidth(line) > 70), 'the width is used, not wasted');
  const verbose = await runBin([...args(), '--verbose'], { env: NARROW });
  assert.deepEqual(tooWide(verbose.stdout, 80), []);
  const wide = await runBin(args(), { env: { COLUMNS: '120' } });
  assert.deepEqual(tooWide(wide.stdout, 120), []);
  assert.ok(wide.stdout.split('\n').some((line) => displayWidth(line) > 100), 'COLUMNS=120 is used');
});

test('the demo (SMTP transcripts, certificates, relay tries, the SPF tree) fits 80 columns', async () => {
  const r = await runBin(['demo'], { env: NARROW, timeoutMs: 60000 });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(tooWide(r.stdout, 80), []);
  const verbose = await runBin(['demo', '--verbose'], { env: NARROW, timeoutMs: 60000 });
  assert.deepEqual(tooWide(verbose.stdout, 80), []);
});

test('on a terminal, the table fits the terminal\'s width (util-linux script gives a pty)', () => {
  const GUARD = fileURLToPath(new URL('../support/guard.ts', import.meta.url));
  // stderr (the spinner) goes elsewhere: stdout alone is on the terminal
  const r = spawnSync('script', ['-qec', `stty cols 64 rows 40; "${process.execPath}" "${BIN}" demo --only mx,ptr,spf --no-color 2>/dev/null`, '/dev/null'], {
    encoding: 'utf8', timeout: 30000, env: { ...process.env, NODE_OPTIONS: `--import ${GUARD}`, COLUMNS: '' },
  });
  assert.equal(r.status, 0, r.stderr);
  const screen = r.stdout.split('\n').map((line) => line.replace(/\r$/, '').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''));
  assert.ok(screen.some((line) => line.includes('good.example: PASS')), r.stdout);
  assert.deepEqual(screen.filter((line) => displayWidth(line) > 64), []);
});

test('smtp-audit checks: a list that fits 80 columns, and 120', async () => {
  const narrow = await runBin(['checks'], { env: NARROW });
  assert.equal(narrow.code, 0);
  assert.deepEqual(tooWide(narrow.stdout, 80), []);
  assert.match(narrow.stdout, /^MX\n {2}mx\/present {16}The domain publishes MX records\n {28}RFC 5321 section 5\.1; RFC 7505 section 3$/m);
  assert.doesNotMatch(narrow.stdout, /[┌├└┼│]/, 'no bordered table');
  const wide = await runBin(['checks'], { env: { COLUMNS: '120' } });
  assert.deepEqual(tooWide(wide.stdout, 120), []);
  for (const id of ['dmarc/external-reporting', 'mta-sts/policy', 'dane/tlsa']) assert.match(wide.stdout, new RegExp(`^ {2}${id.replace('/', '\\/')} `, 'm'));
});

const COMMANDS = ['audit', 'checks', 'demo', 'diff', 'send', 'serve', 'inspect'];

test('--help of the program and of every command fits 80 columns (prose is wrapped, examples written to fit)', async () => {
  for (const args of [['--help'], ...COMMANDS.map((c) => [c, '--help'])]) {
    const r = await runBin(args, { env: NARROW });
    assert.equal(r.code, 0, args.join(' '));
    const over = tooWide(r.stdout, 80);
    assert.deepEqual(over, [], args.join(' '));
  }
  const demo = await runBin(['demo', '--help'], { env: NARROW });
  assert.match(demo.stdout, /^The demo needs no network: it starts a DNS server and mail servers on 127\.0\.0\.1,\naudits good\.example/m, 'a paragraph reflowed, not cut line by line');
  assert.match(demo.stdout, /^ {2}smtp-audit demo --format json \| jq '\.\[\] \| \{domain, summary\}'$/m, 'examples intact');
});

test('a mistyped command still gets "did you mean"', async () => {
  const r = await runBin(['chekcs']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /did you mean .*checks/);
});
