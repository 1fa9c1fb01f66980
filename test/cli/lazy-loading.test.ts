// Start-up is part of speed (issue 11): each command imports only what it uses. Checked from
// the list of modules the real bin resolves, so the test does not depend on timings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBin } from '../support/run-bin.ts';
import { startTestDns } from '../support/fixture-dns.ts';

const TRACE = fileURLToPath(new URL('../support/module-trace.ts', import.meta.url));
const GUARD = fileURLToPath(new URL('../support/guard.ts', import.meta.url));

/** The npm packages (by name) a run of the bin resolved. */
async function packagesLoaded(args: string[]): Promise<{ packages: Set<string>; code: number | null; urls: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-trace-'));
  try {
    const file = join(dir, 'modules.json');
    const result = await runBin(args, { env: { NODE_OPTIONS: `--import ${GUARD} --import ${TRACE}`, SMTP_AUDIT_MODULE_TRACE: file } });
    const urls = JSON.parse(readFileSync(file, 'utf8')) as string[];
    const packages = new Set(urls.flatMap((u) => {
      const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u);
      return m ? [m[1]!] : [];
    }));
    return { packages, code: result.code, urls };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('--version and --help load commander and nothing else', async () => {
  for (const args of [['--version'], ['--help']]) {
    const { packages, code } = await packagesLoaded(args);
    assert.equal(code, 0);
    assert.deepEqual([...packages].sort(), ['commander'], `${args[0]} loaded ${[...packages].join(', ')}`);
  }
});

test('--help of send, serve and inspect loads commander only: their libraries load when they run', async () => {
  for (const args of [['send', '--help'], ['serve', '--help'], ['inspect', '--help']]) {
    const { packages, code } = await packagesLoaded(args);
    assert.equal(code, 0);
    assert.deepEqual([...packages].sort(), ['commander'], `${args.join(' ')} loaded ${[...packages].join(', ')}`);
  }
});

test('checks loads no network or mail library', async () => {
  const { packages, code } = await packagesLoaded(['checks']);
  assert.equal(code, 0);
  for (const name of ['mailauth', 'nodemailer', 'smtp-server', 'dns2', 'undici', 'ora']) assert.ok(!packages.has(name), `checks loaded ${name}`);
});

test('a DNS-only audit loads neither mailauth nor the send/serve libraries nor the spinner', async () => {
  const dns = await startTestDns();
  try {
    const { packages, urls } = await packagesLoaded(['clean.example', '--no-smtp', '--no-default-dnsbls', '--resolver', dns.address, '--format', 'json']);
    for (const name of ['nodemailer', 'smtp-server', 'undici', 'ora']) assert.ok(!packages.has(name), `the audit loaded ${name}`);
    // mailauth's package.json is read to name the --ip evaluator; its code is not loaded without --ip
    assert.deepEqual(urls.filter((u) => u.includes('/node_modules/mailauth/') && !u.endsWith('/package.json')), []);
    assert.ok(packages.has('dns2'), 'the trace saw the DNS library the audit needs');
  } finally {
    await dns.stop();
  }
});
