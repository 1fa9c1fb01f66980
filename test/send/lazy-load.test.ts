// Start-up: building the `send` command (what every `smtp-audit` start, `--version` included,
// does for each subcommand) loads neither nodemailer nor mailauth; running it does. Checked in a
// fresh process with a module resolve hook that records every module loaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SEND = fileURLToPath(new URL('../../src/cli/commands/send.ts', import.meta.url));
const GUARD = fileURLToPath(new URL('../support/guard.ts', import.meta.url));
const HEAVY = /\/node_modules\/(nodemailer|mailauth|smtp-server)\//;

/** The heavy packages loaded after `body` ran in a fresh process. */
function heavyModulesAfter(body: string): string[] {
  const script = `
    import { registerHooks } from 'node:module';
    const loaded = new Set();
    registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); loaded.add(r.url); return r; } });
    const { sendCommand } = await import(${JSON.stringify(SEND)});
    const out = { write() { return true; } };
    const command = sendCommand({ stdout: out, stderr: out }, () => {});
    ${body}
    const heavy = [...loaded].filter((u) => ${HEAVY}.test(u)).map((u) => ${HEAVY}.exec(u)[1]);
    process.stdout.write(JSON.stringify([...new Set(heavy)].sort()));
  `;
  return JSON.parse(execFileSync(process.execPath, ['--import', GUARD, '--input-type=module', '--eval', script], { encoding: 'utf8' })) as string[];
}

test('building the send command loads neither nodemailer nor mailauth', () => {
  assert.deepEqual(heavyModulesAfter(''), []);
});

test('parsing send\'s flags (with a DKIM key) still loads neither', () => {
  assert.deepEqual(heavyModulesAfter(`
    const { parseSendFlags } = await import(${JSON.stringify(SEND)});
    parseSendFlags({ from: 'a@send.example', to: ['b@send.example'], dkimKey: ['fixtures/keys/send-rsa2048.pem'], dkimSelector: ['s'] });
  `), []);
});

test('running send loads them (so the check above can see them)', () => {
  // --loopback needs no network: the message is composed, signed and sent in-process
  const heavy = heavyModulesAfter(`
    await command.parseAsync(['--loopback', '--from', 'a@send.example', '--dkim-key', 'fixtures/keys/send-rsa2048.pem', '--dkim-selector', 's', '--resolver', '127.0.0.1:9', '--timeout', '2000'], { from: 'user' });
  `);
  assert.deepEqual(heavy, ['mailauth', 'nodemailer', 'smtp-server']);
});
