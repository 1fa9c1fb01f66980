// The GitHub Action (action.yml): its shape, and its audit step run for real with bash against
// the fixture DNS, the way the runner would (inputs as INPUT_* environment variables).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { assertValidSarif } from '../report/sarif-schema.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { BIN } from '../support/run-bin.ts';

const ACTION = fileURLToPath(new URL('../../action.yml', import.meta.url));
const GUARD = fileURLToPath(new URL('../support/guard.ts', import.meta.url));

interface Step { name: string; id?: string; uses?: string; shell?: string; run?: string; env?: Record<string, string>; with?: Record<string, string> }
interface Action { name: string; inputs: Record<string, { default?: string; required?: boolean }>; outputs: Record<string, { value: string }>; runs: { using: string; steps: Step[] } }

const action = parse(readFileSync(ACTION, 'utf8')) as Action;
const auditStep = action.runs.steps.find((s) => s.id === 'audit')!;

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());

test('a composite action with the documented inputs and outputs', () => {
  assert.equal(action.runs.using, 'composite');
  assert.deepEqual(Object.keys(action.inputs), ['domains', 'fail-on', 'format', 'args', 'version', 'summary']);
  assert.equal(action.inputs['fail-on']!.default, 'fail');
  assert.deepEqual(Object.keys(action.outputs), ['exit-code', 'markdown']);
  assert.ok(action.runs.steps.some((s) => s.uses?.startsWith('actions/setup-node@')));
  const install = action.runs.steps.find((s) => s.name === 'Install smtp-audit')!;
  assert.match(install.run!, /npm install --global .*"smtp-audit@\$SMTP_AUDIT_VERSION"/);
  assert.match(install.run!, /npm ci/);
  assert.match(install.run!, /SMTP_AUDIT_BIN=.*>> "\$GITHUB_ENV"/);
  // inputs reach the scripts only through env, never as ${{ }} inside the script text
  for (const step of action.runs.steps) assert.doesNotMatch(step.run ?? '', /\$\{\{/, step.name);
  assert.deepEqual(auditStep.env, {
    INPUT_DOMAINS: '${{ inputs.domains }}', INPUT_FAIL_ON: '${{ inputs.fail-on }}', INPUT_FORMAT: '${{ inputs.format }}',
    INPUT_ARGS: '${{ inputs.args }}', INPUT_SUMMARY: '${{ inputs.summary }}',
  });
});

function runStep(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', auditStep.run!], {
      env: { ...process.env, NODE_OPTIONS: `--import ${GUARD}`, SMTP_AUDIT_BIN: BIN, INPUT_SUMMARY: 'true', INPUT_FORMAT: '', INPUT_ARGS: '', INPUT_FAIL_ON: 'fail', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('the audit step writes the markdown report to the job summary, extra formats to files, and passes the exit code on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-action-'));
  const summary = join(dir, 'summary.md');
  const output = join(dir, 'output.txt');
  writeFileSync(summary, '# earlier step\n');
  const sarif = join(dir, 'audit.sarif');
  const r = await runStep({
    INPUT_DOMAINS: 'mx-bad.example,\nclean.example',
    INPUT_FORMAT: `sarif:${sarif}`,
    INPUT_ARGS: `--resolver ${dns.address} --no-smtp --only mx,ptr`,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_OUTPUT: output,
    RUNNER_TEMP: dir,
  });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /smtp-audit .* mx-bad\.example/, 'the table goes to the log');
  const md = readFileSync(summary, 'utf8');
  assert.match(md, /^# earlier step\n## smtp-audit: 2 domains\n/, 'appended, not overwritten');
  assert.match(md, /\| mx-bad\.example \| 44\/100 \(F\) \|/);
  assertValidSarif(JSON.parse(readFileSync(sarif, 'utf8')));
  assert.equal(readFileSync(output, 'utf8'), `exit-code=1\nmarkdown=${join(dir, 'smtp-audit-report.md')}\n`);
});

test('fail-on never passes the step; summary "false" leaves the job summary alone; a usage error exits 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-action-'));
  const summary = join(dir, 'summary.md');
  const clean = await runStep({
    INPUT_DOMAINS: 'mx-bad.example', INPUT_FAIL_ON: 'never', INPUT_SUMMARY: 'false',
    INPUT_ARGS: `--resolver ${dns.address} --no-smtp --only mx`, GITHUB_STEP_SUMMARY: summary, RUNNER_TEMP: dir,
  });
  assert.equal(clean.code, 0, clean.stderr);
  assert.equal(existsSync(summary), false);
  const usage = await runStep({ INPUT_DOMAINS: 'exa mple', INPUT_ARGS: '--no-smtp', GITHUB_STEP_SUMMARY: summary, RUNNER_TEMP: dir });
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /smtp-audit: /);
});

test('a domain input cannot inject shell code', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-action-'));
  const marker = join(dir, 'pwned');
  const r = await runStep({ INPUT_DOMAINS: `$(touch ${marker}) \`touch ${marker}\``, INPUT_ARGS: '--no-smtp', RUNNER_TEMP: dir });
  assert.equal(r.code, 2);
  assert.equal(existsSync(marker), false);
});

const README = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

function section(title: string): string {
  const start = README.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `README has a "## ${title}" section`);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

test('README "Use in CI": an example workflow using the action\'s real inputs, and a shell example on exit codes', async () => {
  const ci = section('Use in CI');
  const workflow = parse(/```yaml\n([\s\S]*?)```/.exec(ci)![1]!) as { jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, string> }> }> };
  const step = Object.values(workflow.jobs)[0]!.steps.find((s) => s.uses?.includes('smtp-audit'))!;
  for (const input of Object.keys(step.with!)) assert.ok(input in action.inputs, `the example's input "${input}" exists in action.yml`);
  const shell = [...ci.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).find((s) => s.includes('case $code'))!;
  assert.match(shell, /0\).*\n.*1\).*\n.*3\)/);
  const check = spawn('bash', ['-n', '-c', shell]);
  assert.equal(await new Promise((resolve) => check.on('close', resolve)), 0, 'the shell example parses');
});
