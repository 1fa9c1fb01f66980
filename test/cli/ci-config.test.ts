// The config file: found from the working directory upward, or named; flags win; mistakes name file and key.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findConfigFile, mergeConfig, readConfigFile } from '../../src/cli/config-file.ts';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { runBin } from '../support/run-bin.ts';

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());

function repo(config: unknown, name = 'smtp-audit.config.json'): { root: string; sub: string; file: string } {
  const root = mkdtempSync(join(tmpdir(), 'smtp-audit-config-'));
  const sub = join(root, 'deploy', 'dns');
  mkdirSync(sub, { recursive: true });
  const file = join(root, name);
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  return { root, sub, file };
}

type Report = { domain: string; checks: Array<{ id: string; status: string; skippedReason?: string; ignoredFindings?: unknown[] }> };
const selected = (r: Report) => r.checks.filter((c) => !(c.skippedReason ?? '').startsWith('not selected')).map((c) => c.id);

test('a config file in a folder above the working directory supplies domains, resolvers, only, failOn and ignore', async () => {
  const { sub } = repo({ domains: ['mx-bad.example'], resolvers: [dns.address], only: ['ptr'], failOn: 'fail', ignore: ['ptr/present.missing'] });
  const r = await runBin(['--no-smtp', '--format', 'json'], { cwd: sub });
  assert.equal(r.code, 0, r.stderr);
  const report: Report = JSON.parse(r.stdout);
  assert.equal(report.domain, 'mx-bad.example');
  assert.deepEqual(selected(report), ['ptr/present', 'ptr/forward-confirmed']);
  assert.equal(report.checks.find((c) => c.id === 'ptr/present')!.status, 'pass');
  assert.equal(report.checks.find((c) => c.id === 'ptr/present')!.ignoredFindings!.length, 2);
});

test('command-line flags win over the file, key by key', async () => {
  const { sub } = repo({ domains: ['mx-bad.example'], resolvers: [dns.address], only: ['ptr'], failOn: 'never' });
  // the file says failOn never: exit 0 despite the failures
  assert.equal((await runBin(['--no-smtp'], { cwd: sub })).code, 0);
  // --fail-on on the command line wins; --only too; a domain argument replaces the file's domains
  const r = await runBin(['clean.example', '--no-smtp', '--fail-on', 'fail', '--only', 'mx', '--format', 'json'], { cwd: sub });
  const report: Report = JSON.parse(r.stdout);
  assert.equal(report.domain, 'clean.example');
  assert.deepEqual(selected(report), ['mx/present', 'mx/targets']);
  const failing = await runBin(['--no-smtp', '--fail-on', 'fail'], { cwd: sub });
  assert.equal(failing.code, 1, 'the file\'s failOn is overridden');
});

test('.smtp-auditrc.json, --config <file> and --no-config', async () => {
  const rc = repo({ domains: ['clean.example'], resolvers: [dns.address], only: ['mx'] }, '.smtp-auditrc.json');
  const viaRc = await runBin(['--no-smtp', '--format', 'json'], { cwd: rc.sub });
  assert.equal(JSON.parse(viaRc.stdout).domain, 'clean.example');
  const other = repo({ domains: ['mx-bad.example'], resolvers: [dns.address], only: ['mx'] });
  const explicit = await runBin(['--no-smtp', '--format', 'json', '--config', other.file], { cwd: rc.sub });
  assert.equal(JSON.parse(explicit.stdout).domain, 'mx-bad.example');
  const none = await runBin(['--no-smtp', '--no-config'], { cwd: rc.sub });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no domain given/);
});

test('zones in the config file are taken relative to the file', async () => {
  const { root, sub } = repo({ domains: ['mx-bad.example'], resolvers: [dns.address], only: ['mx'], zones: ['dns/fix.zone'] });
  mkdirSync(join(root, 'dns'));
  writeFileSync(join(root, 'dns', 'fix.zone'), '$ORIGIN mx-bad.example.\n@ IN MX 10 ok\nok IN A 192.0.2.21\n');
  const r = await runBin(['--no-smtp', '--format', 'json'], { cwd: sub });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).zoneFiles, [{ file: join(root, 'dns', 'fix.zone'), origin: 'mx-bad.example' }]);
});

test('unknown keys and bad values are usage errors naming the file and the key', async () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ domain: ['x.example'] }, /smtp-audit\.config\.json: unknown key "domain"/],
    [{ failOn: 'sometimes' }, /smtp-audit\.config\.json: "failOn" must be one of fail, warn, info, never/],
    [{ only: ['mx/nope'] }, /smtp-audit\.config\.json: "only": unknown check id or area "mx\/nope"/],
    [{ ignore: ['ptr/present'] }, /smtp-audit\.config\.json: "ignore": "ptr\/present" is not a finding code/],
    [{ resolvers: ['dns.google'] }, /smtp-audit\.config\.json: "resolvers": /],
    [{ selectors: 'default' }, /"selectors" must be a list of non-empty strings/],
    [{ dnsbls: ['zen.spamhaus.org:url'] }, /"dnsbls": .*unknown list kind "url"/],
    [{ domains: ['exa mple.com'] }, /"domains": /],
    [{ defaultDnsbls: 'yes' }, /"defaultDnsbls" must be true or false/],
    ['{ "failOn": ', /smtp-audit\.config\.json: not valid JSON/],
    [[1, 2], /the config must be a JSON object/],
  ];
  for (const [config, message] of cases) {
    const { sub } = repo(config);
    const r = await runBin(['example.com', '--no-smtp'], { cwd: sub });
    assert.equal(r.code, 2, `${JSON.stringify(config)}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
  const missing = await runBin(['example.com', '--config', '/nonexistent/smtp-audit.config.json']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read config file \/nonexistent\/smtp-audit\.config\.json: ENOENT/);
});

test('lookup and merge, as functions', () => {
  const { sub, file } = repo({ failOn: 'warn', dnsbls: ['zen.spamhaus.org'], defaultDnsbls: false, selectors: ['s1'] });
  assert.equal(findConfigFile(sub), file);
  const config = readConfigFile(file);
  assert.deepEqual(config, { file, failOn: 'warn', dnsbls: ['zen.spamhaus.org'], defaultDnsbls: false, selectors: ['s1'] });
  const merged = mergeConfig({ failOn: 'fail', selector: ['cli'] }, config, (flag) => flag === 'selector');
  assert.equal(merged.failOn, 'warn', 'a default --fail-on is not "given": the file wins over it');
  assert.deepEqual(merged.selector, ['cli']);
  assert.deepEqual([merged.dnsbl, merged.defaultDnsbls], [['zen.spamhaus.org'], false], 'blocklists go through the --dnsbl validation');
});

test('the README\'s example config file is valid', () => {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  const start = readme.indexOf('\n## The config file\n');
  const example = /```json\n([\s\S]*?)```/.exec(readme.slice(start))![1]!;
  const { file, root } = repo(example);
  const config = readConfigFile(file);
  assert.deepEqual(config.zones, [join(root, 'dns', 'example.com.zone')]);
  assert.equal(config.failOn, 'warn');
});

test('probe settings in the config file: smtp, ips, port, timeouts, ehlo, relay addresses, ipFamily, caFiles', async () => {
  const { sub, file, root } = repo({ domains: ['clean.example'], resolvers: [dns.address], smtp: false, ips: ['192.0.2.1'], only: ['smtp/reachable', 'spf/ip-evaluation'] });
  const r = await runBin(['--format', 'json'], { cwd: sub });
  const report: Report = JSON.parse(r.stdout);
  assert.match(report.checks.find((c) => c.id === 'smtp/reachable')!.skippedReason!, /--no-smtp/, '"smtp": false');
  assert.notEqual(report.checks.find((c) => c.id === 'spf/ip-evaluation')!.status, 'skipped', '"ips" reach --ip');
  writeFileSync(file, JSON.stringify({ port: 2525, timeout: 1000, greetingTimeout: 2000, smtpConcurrency: 2, ehlo: 'audit.example.net', relayFrom: 'a@example.net', relayTo: 'b@example.org', ipFamily: 4, caFiles: ['ca.pem'] }));
  const config = readConfigFile(file);
  const merged = mergeConfig({}, config, () => false);
  assert.deepEqual(
    [merged.port, merged.timeout, merged.greetingTimeout, merged.smtpConcurrency, merged.ehlo, merged.relayFrom, merged.relayTo, merged.ipv4Only, merged.ipv6Only, merged.caFile],
    ['2525', '1000', '2000', '2', 'audit.example.net', 'a@example.net', 'b@example.org', true, false, [join(root, 'ca.pem')]],
  );
  assert.equal(mergeConfig({ port: '25' }, config, (flag) => flag === 'port').port, '25', 'the command line wins');
  for (const [bad, key] of [[{ port: 0 }, 'port'], [{ ipFamily: 5 }, 'ipFamily'], [{ smtp: 'no' }, 'smtp'], [{ ips: ['nope'] }, 'ips'], [{ ehlo: '' }, 'ehlo']] as const) {
    writeFileSync(file, JSON.stringify(bad));
    assert.throws(() => readConfigFile(file), (e: Error) => e.message.includes(file) && e.message.includes(`"${key}"`), key);
  }
});
