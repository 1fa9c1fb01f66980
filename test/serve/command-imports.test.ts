// Start-up (issue 11): the serve and inspect command files load commander and their option
// parsing only. smtp-server, mailauth and nodemailer are imported when the command really runs,
// so --help, a usage error (or, with the CLI's lazy command loading, --version) never pays for
// them. Checked from the modules a child process resolves, not from timings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const SCRIPT = `
import { registerHooks } from 'node:module';
const seen = new Set();
registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.add(r.url); return r; } });
const packages = () => [...new Set([...seen].flatMap((u) => { const m = /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(u); return m ? [m[1]] : []; }))].sort();
const sink = { write() { return true; } };
const io = { stdout: sink, stderr: sink };
const outcomes = [];
for (const [file, name, argv] of [
  ['serve.ts', 'serveCommand', ['--help']],
  ['serve.ts', 'serveCommand', ['--listen', 'nowhere:x']],
  ['serve.ts', 'serveCommand', ['--max-line-length', '12']],
  ['inspect.ts', 'inspectCommand', ['--help']],
  ['inspect.ts', 'inspectCommand', ['message.eml', '--ip', 'me']],
]) {
  const command = (await import(new URL('src/cli/commands/' + file, 'file://' + process.cwd() + '/').href))[name](io, () => {});
  command.exitOverride().configureOutput({ writeOut() {}, writeErr() {} });
  try { await command.parseAsync(argv, { from: 'user' }); outcomes.push('ran'); } catch (error) { outcomes.push(error.name); }
}
const light = packages();
await import('smtp-server');
console.log(JSON.stringify({ outcomes, light, control: packages() }));
`;

test('serve and inspect: --help and usage errors load neither smtp-server nor mailauth nor nodemailer', () => {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT], { encoding: 'utf8', cwd: process.cwd() });
  assert.equal(child.status, 0, child.stderr);
  const result = JSON.parse(child.stdout) as { outcomes: string[]; light: string[]; control: string[] };
  assert.deepEqual(result.outcomes, ['CommanderError', 'UsageError', 'UsageError', 'CommanderError', 'UsageError']);
  assert.deepEqual(result.light, ['commander']);
  assert.ok(result.control.includes('smtp-server'), 'the trace sees a package when one is loaded');
});
