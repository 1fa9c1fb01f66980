// Bad input from files and arguments (issue 12, cases 6 and 7): a config file cannot make the
// CLI print a file outside its folder or quote any file's text, and no usage error echoes raw
// control bytes from a target, an --input line, a config key or a zone file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertCleanStderr, runCli } from './support/run.ts';

const SECRET = 'hunter2-very-secret-token';
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'smtp-audit-input-'));
  mkdirSync(join(dir, 'repo', 'dns'), { recursive: true });
  mkdirSync(join(dir, 'outside'));
  writeFileSync(join(dir, 'outside', 'secrets.env'), `TOKEN=${SECRET}\n`);
  writeFileSync(join(dir, 'repo', '.env'), `TOKEN=${SECRET}\n`);
  symlinkSync(join(dir, 'outside', 'secrets.env'), join(dir, 'repo', 'dns', 'link.zone'));
  writeFileSync(join(dir, 'repo', 'dns', 'good.zone'), '$ORIGIN good.test.\n@ 300 IN MX 10 mx.good.test.\nmx 300 IN A 192.0.2.1\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

function config(name: string, body: unknown): string {
  const file = join(dir, 'repo', name);
  writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body));
  return file;
}

async function usageError(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const run = await runCli(args, { env: { SECRET_FOR_TEST: SECRET, ...env }, cwd: join(dir, 'repo') });
  assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
  assertCleanStderr(run.stderr, assert);
  assert.equal(run.stderr.trim().split('\n').length, 1, `one line: ${run.stderr}`);
  assert.ok(!run.stderr.includes(SECRET), `the secret leaked: ${run.stderr}`);
  assert.equal(run.stdout, '');
  return run.stderr;
}

test('"zones": ["/proc/self/environ"] is refused, naming the key, without printing the environment', async () => {
  const file = config('environ.json', { domains: ['example.com'], zones: ['/proc/self/environ'] });
  const stderr = await usageError(['--config', file, '--no-smtp']);
  assert.match(stderr, /"zones": \/proc\/self\/environ is outside the config file's folder/);
});

test('config paths stay in the config file\'s folder: ../, absolute paths and symbolic links out are refused; caFiles too', async () => {
  assert.match(await usageError(['--config', config('up.json', { domains: ['example.com'], zones: ['../outside/secrets.env'] })]), /"zones": \.\.\/outside\/secrets\.env is outside/);
  assert.match(await usageError(['--config', config('link.json', { domains: ['example.com'], zones: ['dns/link.zone'] })]), /"zones": dns\/link\.zone is outside/);
  assert.match(await usageError(['--config', config('origin.json', { domains: ['example.com'], zones: [`good.test=${join(dir, 'outside', 'secrets.env')}`] })]), /"zones": .*secrets\.env is outside/);
  assert.match(await usageError(['--config', config('ca.json', { domains: ['example.com'], caFiles: ['../outside/secrets.env'] })]), /"caFiles": \.\.\/outside\/secrets\.env is outside/);
  // found automatically (no --config) the same rules hold
  config('smtp-audit.config.json', { domains: ['example.com'], zones: ['/proc/self/environ'] });
  try {
    assert.match(await usageError(['--no-smtp']), /"zones": \/proc\/self\/environ is outside/);
  } finally {
    rmSync(join(dir, 'repo', 'smtp-audit.config.json'));
  }
});

test('a file in the folder that is not a zone file: its line and the rule, never its text', async () => {
  const stderr = await usageError(['--config', config('dotenv.json', { domains: ['example.com'], zones: ['.env'] })]);
  assert.match(stderr, /"zones": .*\.env:1: /);
});

test('a config file that is not JSON: line, column and rule, never its text', async () => {
  const stderr = await usageError(['--config', config('broken.json', `{\n  "domains": ["example.com"],\n  "token": ${SECRET}\n}`)]);
  assert.match(stderr, /broken\.json: not valid JSON \(line 3, column 12: unexpected character/);
});

test('a zone file inside the folder is used as before', async () => {
  const run = await runCli(['--config', config('fine.json', { domains: ['good.test'], zones: ['dns/good.zone'], only: ['mx'], resolvers: ['127.0.0.1:9'] }), '--format', 'json', '--timeout', '500'], { cwd: join(dir, 'repo') });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).checks.find((c: { id: string }) => c.id === 'mx/present').status, 'pass');
});

test('usage errors show control bytes from targets, --input lines and config keys as escapes', async () => {
  for (const target of ['exa\u001b[31mmple.com', 'bad\rname.example', 'x\u0007\u009b2J.example']) {
    const stderr = await usageError([target]);
    assert.match(stderr, /\\x1b|\\r|\\x07/);
  }
  const input = join(dir, 'targets.txt');
  writeFileSync(input, 'good.example\nevil\u0000\u001b]0;pwned\u0007.example\n');
  assert.match(await usageError(['--input', input]), /evil\\x00\\x1b\]0;pwned\\x07\.example/);
  assert.match(await usageError(['--config', config('key.json', { 'do\u001b[2Jmains': ['example.com'] })]), /unknown key "do\\x1b\[2Jmains"/);
});

test('a --zone warning about names outside the origin shows their control bytes as escapes', async () => {
  const zone = join(dir, 'escape.zone');
  writeFileSync(zone, '$ORIGIN good.test.\n@ 300 IN MX 10 mx.good.test.\nmx 300 IN A 192.0.2.1\nevil\\027[31m.elsewhere.test. 300 IN A 192.0.2.2\n');
  const run = await runCli(['good.test', '--zone', zone, '--only', 'mx', '--resolver', '127.0.0.1:9', '--timeout', '500', '--format', 'json']);
  assertCleanStderr(run.stderr, assert);
  assert.match(run.stderr, /warning: .*ignoring records outside its origin/);
});
