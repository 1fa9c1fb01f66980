// What `npm pack` ships: what the CLI and the programmatic API need at run time, and nothing
// else. No test zones, no test certificates, and above all no private key (the demo makes its
// certificates at start-up: src/testnet/demo-pki.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function packedFiles(): string[] {
  // --ignore-scripts: list what `files` selects without rebuilding (npm test has just built dist/)
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  const [pack] = JSON.parse(output) as Array<{ files: Array<{ path: string }> }>;
  return pack!.files.map((f) => f.path).sort();
}

test('npm pack ships the run-time files only', () => {
  const files = packedFiles();
  for (const needed of ['bin/smtp-audit.js', 'dist/cli/main.js', 'dist/index.js', 'dist/index.d.ts', 'schema/report.schema.json',
    'data/dnsbl.json', 'data/dkim-selectors.json', 'fixtures/demo/good.example.zone', 'README.md', 'LICENSE', 'package.json']) {
    assert.ok(files.includes(needed), `${needed} is missing from the package`);
  }
  const allowed = /^(bin\/smtp-audit\.js|dist\/.+\.(js|d\.ts)|schema\/[^/]+\.json|data\/[^/]+\.json|fixtures\/demo\/[^/]+\.zone|docs\/contract\.md|README\.md|LICENSE|package\.json)$/;
  assert.deepEqual(files.filter((f) => !allowed.test(f)), [], 'files outside the run-time set');
  assert.deepEqual(files.filter((f) => /(^|\/)(test|fixtures\/(zones|certs|certs-https|golden|messages))\//.test(f)), []);
});

test('no packed file holds a private key', () => {
  const withKeys = packedFiles().filter((f) => /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/.test(readFileSync(`${ROOT}${f}`, 'latin1')) || /\.(key|pem|p12|pfx)$/.test(f));
  assert.deepEqual(withKeys, []);
});
