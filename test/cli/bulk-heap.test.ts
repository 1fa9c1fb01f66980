// Runs over a list of targets cap V8's young generation (bin/smtp-audit.js re-executes itself
// with --max-semi-space-size=16, which halves the resident garbage of a bulk run); a single
// audit does not, and a size the user chose is kept. Through the real bin, with the standard
// streams intact across the re-execution (the target list comes on stdin).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { runBin } from '../support/run-bin.ts';

const GUARD = fileURLToPath(new URL('../support/guard.ts', import.meta.url));
const PRELOAD = fileURLToPath(new URL('../support/report-exec-argv.ts', import.meta.url));
let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());

async function run(args: string[], input = '', nodeOptions = '') {
  const file = join(mkdtempSync(join(tmpdir(), 'smtp-audit-heap-')), 'exec-argv.json');
  const r = await runBin([...args, '--resolver', dns.address, '--no-smtp', '--only', 'mx', '--no-config', '--format', 'ndjson'], {
    input,
    env: { NODE_OPTIONS: `--import ${GUARD} --import ${PRELOAD} ${nodeOptions}`.trim(), SMTP_AUDIT_TEST_EXEC_ARGV: file },
  });
  const seen = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; execArgv: string[] };
  return { ...r, execArgv: seen.execArgv };
}

test('--input: the run has the young generation capped, and reads its list from stdin across the re-execution', async () => {
  const r = await run(['--input', '-'], 'clean.example\nnomail.example\n');
  assert.ok(r.execArgv.includes('--max-semi-space-size=16'), JSON.stringify(r.execArgv));
  const reports = r.stdout.trim().split('\n').map((line) => JSON.parse(line) as { domain: string });
  assert.deepEqual(reports.map((report) => report.domain).sort(), ['clean.example', 'nomail.example']);
  assert.equal(r.stderr, '');
});

test('a single audit runs as started; a size the user chose in NODE_OPTIONS is kept', async () => {
  const single = await run(['clean.example']);
  assert.equal(single.code, 0, single.stderr);
  assert.deepEqual(single.execArgv, []);
  const chosen = await run(['--input', '-'], 'clean.example\n', '--max-semi-space-size=8');
  assert.equal(chosen.code, 0, chosen.stderr);
  assert.ok(!chosen.execArgv.some((a) => a.startsWith('--max-semi-space-size')), JSON.stringify(chosen.execArgv));
});
