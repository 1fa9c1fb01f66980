// The GitHub Action (action.yml), its steps run exactly as a runner runs them: the `run:` text
// taken from action.yml with the yaml package, written to a file, and run with GitHub's flags
// for `shell: bash` (`bash --noprofile --norc -eo pipefail {0}`), inputs as INPUT_* variables
// (their values taken from a workflow's `with:` block, block scalars included), and the
// GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and GITHUB_ENV files, against the fixture DNS.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { assertValidSarif } from '../report/sarif-schema.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { BIN, runBin } from '../support/run-bin.ts';
import { assertValidReport } from '../support/schema.ts';

const ACTION = fileURLToPath(new URL('../../action.yml', import.meta.url));
const GUARD = fileURLToPath(new URL('../support/guard.ts', import.meta.url));

interface Step { name: string; id?: string; uses?: string; shell?: string; run?: string; env?: Record<string, string>; with?: Record<string, string> }
interface Action { name: string; inputs: Record<string, { default?: string; required?: boolean }>; outputs: Record<string, { value: string }>; runs: { using: string; steps: Step[] } }

const action = parse(readFileSync(ACTION, 'utf8')) as Action;
const auditStep = action.runs.steps.find((s) => s.id === 'audit')!;
const installStep = action.runs.steps.find((s) => s.name === 'Install smtp-audit')!;

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());

test('a composite action with the documented inputs and outputs; fail-on defaults to empty', () => {
  assert.equal(action.runs.using, 'composite');
  assert.deepEqual(Object.keys(action.inputs), ['domains', 'fail-on', 'format', 'args', 'sarif-location', 'version', 'summary']);
  assert.equal(action.inputs['fail-on']!.default, '', 'an empty default lets the config file\'s failOn decide');
  assert.deepEqual(Object.keys(action.outputs), ['exit-code', 'markdown']);
  assert.ok(action.runs.steps.some((s) => s.uses?.startsWith('actions/setup-node@')));
  for (const step of action.runs.steps.filter((s) => s.run)) assert.equal(step.shell, 'bash', step.name);
  assert.match(installStep.run!, /npm install --global .*"smtp-audit@\$SMTP_AUDIT_VERSION"/);
  // inputs reach the scripts only through env, never as ${{ }} inside the script text
  for (const step of action.runs.steps) assert.doesNotMatch(step.run ?? '', /\$\{\{/, step.name);
  assert.deepEqual(auditStep.env, {
    INPUT_DOMAINS: '${{ inputs.domains }}', INPUT_FAIL_ON: '${{ inputs.fail-on }}', INPUT_FORMAT: '${{ inputs.format }}',
    INPUT_ARGS: '${{ inputs.args }}', INPUT_SUMMARY: '${{ inputs.summary }}', SMTP_AUDIT_SARIF_LOCATION: '${{ inputs.sarif-location }}',
  });
});

interface StepRun { code: number | null; stdout: string; stderr: string; summary: string; output: string; env: string; dir: string }

/** Runs a step's script as GitHub does, with the action's input defaults under the given inputs. */
function runStep(step: Step, inputs: Record<string, string>, extraEnv: Record<string, string> = {}, cwd?: string): Promise<StepRun> {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-action-'));
  const script = join(dir, 'step.sh');
  writeFileSync(script, step.run!);
  const files = { GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), GITHUB_OUTPUT: join(dir, 'output.txt'), GITHUB_ENV: join(dir, 'env.txt') };
  writeFileSync(files.GITHUB_STEP_SUMMARY, '# earlier step\n');
  writeFileSync(files.GITHUB_OUTPUT, '');
  writeFileSync(files.GITHUB_ENV, '');
  const defaults = Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, input.default ?? '']));
  const values = { ...defaults, ...inputs };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
    NODE_OPTIONS: `--import ${GUARD}`,
    RUNNER_TEMP: dir,
    SMTP_AUDIT_BIN: BIN,
    COLUMNS: '',
    ...files,
    INPUT_DOMAINS: values.domains, INPUT_FAIL_ON: values['fail-on'], INPUT_FORMAT: values.format,
    INPUT_ARGS: values.args, INPUT_SUMMARY: values.summary, SMTP_AUDIT_SARIF_LOCATION: values['sarif-location'],
    ...extraEnv,
  };
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { env, cwd: cwd ?? dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({
      code, stdout, stderr, dir,
      summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'), output: readFileSync(files.GITHUB_OUTPUT, 'utf8'), env: readFileSync(files.GITHUB_ENV, 'utf8'),
    }));
  });
}

/** The inputs of a workflow step's `with:` block, as GitHub hands them over (block scalars keep their new lines). */
function withBlock(yaml: string): Record<string, string> {
  return (parse(yaml) as { with: Record<string, string> }).with;
}

test('a failing audit under `bash -eo pipefail` still writes the job summary and both outputs, and exits 1', async () => {
  const inputs = withBlock(`
with:
  domains: |
    mx-bad.example,
    clean.example
  format: |
    "sarif:audit report.sarif"
    json:audit.json
  args: |
    --resolver ${dns.address}
    --no-smtp
    --only mx,ptr
`);
  assert.match(inputs.args!, /\n--no-smtp\n/, 'a block scalar: one option per line');
  const r = await runStep(auditStep, inputs);
  assert.equal(r.code, 1, r.stderr + r.stdout);
  assert.match(r.stdout, /^✖ mx-bad\.example: FAIL · grade F \(44\/100\)$/m, 'the table goes to the log');
  assert.match(r.stdout, /^::error title=smtp-audit::a check ended at or above fail-on \(exit code 1\)/m);
  assert.match(r.summary, /^# earlier step\n## smtp-audit: 2 domains\n/, 'appended, not overwritten');
  assert.match(r.summary, /\| mx-bad\.example \| 44\/100 \(F\) \|/);
  const markdown = /^markdown=(.+)$/m.exec(r.output)![1]!;
  assert.equal(r.output, `exit-code=1\nmarkdown=${markdown}\n`);
  assert.ok(readFileSync(markdown, 'utf8').startsWith('## smtp-audit: 2 domains'));
  // every line of every input arrived: both domains, the SARIF file whose name has a space, the JSON
  const json = JSON.parse(readFileSync(join(r.dir, 'audit.json'), 'utf8'));
  assert.deepEqual(json.map((x: { domain: string }) => x.domain), ['mx-bad.example', 'clean.example']);
  for (const report of json) assertValidReport(report);
  assert.equal(json[0].checks.filter((c: { skippedReason?: string }) => !(c.skippedReason ?? '').startsWith('not selected')).length, 4, '--only from the third line applied');
  assertValidSarif(JSON.parse(readFileSync(join(r.dir, 'audit report.sarif'), 'utf8')));
});

test('fail-on left empty: the config file\'s failOn decides, as when smtp-audit runs directly; the input still wins when set', async () => {
  const repo = mkdtempSync(join(tmpdir(), 'smtp-audit-action-repo-'));
  writeFileSync(join(repo, 'smtp-audit.config.json'), JSON.stringify({ domains: ['implicit-mx.example'], resolvers: [dns.address], only: ['mx'], smtp: false, failOn: 'warn' }));
  const direct = await runBin([], { cwd: repo });
  assert.equal(direct.code, 1, 'the implicit MX warns, and the config fails on warn');
  const viaAction = await runStep(auditStep, {}, {}, repo);
  assert.equal(viaAction.code, 1, viaAction.stderr + viaAction.stdout);
  assert.match(viaAction.output, /^exit-code=1$/m);
  const overridden = await runStep(auditStep, { 'fail-on': 'fail' }, {}, repo);
  assert.equal(overridden.code, 0, overridden.stderr);
  assert.match(overridden.output, /^exit-code=0$/m);
});

test('an argument with a space passes whole when quoted: a --zone file in a folder with a space', async () => {
  const folder = join(mkdtempSync(join(tmpdir(), 'smtp-audit-action-')), 'dns changes');
  mkdirSync(folder);
  const zone = join(folder, 'mx-bad.example.zone');
  writeFileSync(zone, '$ORIGIN mx-bad.example.\n$TTL 300\n@    IN MX 10 ok.mx-bad.example.\nok   IN A  192.0.2.21\n');
  const r = await runStep(auditStep, withBlock(`
with:
  domains: mx-bad.example
  format: json:zone.json
  args: |
    --resolver ${dns.address} --no-smtp
    --only mx
    --zone "${zone}"
`));
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const report = JSON.parse(readFileSync(join(r.dir, 'zone.json'), 'utf8'));
  assert.deepEqual(report.zoneFiles, [{ file: zone, origin: 'mx-bad.example' }]);
  assert.match(r.output, /^exit-code=0$/m);
});

test('fail-on never passes even an incomplete audit; summary "false" leaves the job summary alone', async () => {
  const r = await runStep(auditStep, { domains: 'mx-timeout.example', 'fail-on': 'never', summary: 'false', args: `--resolver ${dns.address} --no-smtp --only mx --timeout 300 --dns-tries 1` });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.summary, '# earlier step\n');
  assert.match(r.stdout, /^\? mx-timeout\.example: INCOMPLETE · score withheld: not enough was determined$/m);
  const incomplete = await runStep(auditStep, { domains: 'mx-timeout.example', args: `--resolver ${dns.address} --no-smtp --only mx --timeout 300 --dns-tries 1` });
  assert.equal(incomplete.code, 3);
  assert.match(incomplete.output, /^exit-code=3$/m);
});

test('a usage error, an unmatched quote and an empty word: exit 2 with the outputs and a summary line, or a warning', async () => {
  const usage = await runStep(auditStep, { domains: 'exa mple', args: '--no-smtp' });
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /^smtp-audit: /m);
  assert.match(usage.summary, /The audit could not run \(exit code 2\): see the step log\./);
  assert.match(usage.output, /^exit-code=2\nmarkdown=.+\n$/);
  const quote = await runStep(auditStep, { domains: 'clean.example', args: '--zone "unclosed' });
  assert.equal(quote.code, 2);
  assert.match(quote.stdout, /^::error title=smtp-audit::the args input cannot be read: .*quote/m);
  assert.match(quote.output, /^exit-code=2$/m);
  const empty = await runStep(auditStep, { domains: 'clean.example', args: `--resolver ${dns.address} --no-smtp --only mx ""` });
  assert.equal(empty.code, 0, empty.stderr);
  assert.match(empty.stdout, /^::warning title=smtp-audit::an empty word in the args input was left out$/m);
});

test('a domain input cannot inject shell code', async () => {
  const marker = join(mkdtempSync(join(tmpdir(), 'smtp-audit-action-')), 'pwned');
  const r = await runStep(auditStep, { domains: `$(touch ${marker}) \`touch ${marker}\` ';touch ${marker}'`, args: '--no-smtp' });
  assert.equal(r.code, 2);
  assert.equal(existsSync(marker), false);
});

test('the install step, under the same flags, builds the action\'s own checkout and names the bin in GITHUB_ENV', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-action-npm-'));
  const log = join(dir, 'npm.log');
  const npm = join(dir, 'npm');
  writeFileSync(npm, `#!/bin/sh\necho "$PWD: $*" >> "${log}"\n`);
  chmodSync(npm, 0o755);
  const checkout = join(dir, 'action checkout');
  mkdirSync(checkout);
  const r = await runStep(installStep, {}, { PATH: `${dir}${delimiter}${process.env.PATH ?? ''}`, SMTP_AUDIT_VERSION: '', SMTP_AUDIT_ACTION_PATH: checkout });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(log, 'utf8'), `${checkout}: ci --no-audit --no-fund\n`);
  assert.equal(r.env, `SMTP_AUDIT_BIN=${checkout}/bin/smtp-audit.js\n`);
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
  assert.ok(Object.values(step.with!).some((v) => v.includes('\n')), 'the example shows a multi-line input');
  const shell = [...ci.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).find((s) => s.includes('case $code'))!;
  assert.match(shell, /0\).*\n.*1\).*\n.*3\)/);
  const check = spawn('bash', ['-n', '-c', shell]);
  assert.equal(await new Promise((resolve) => check.on('close', resolve)), 0, 'the shell example parses');
});
