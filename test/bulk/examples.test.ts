// The sharding examples of the README are working files: the Kubernetes Indexed Job and the
// GitHub Actions matrix agree with themselves (shards, completions, matrix size), and their
// shell steps, run here as the pods and jobs would run them (with the real bin on the fixture
// DNS server in place of the cluster's resolver), audit every target once and merge them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import type { Report } from '../../src/core/report-types.ts';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { BIN } from '../support/run-bin.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const GUARD = fileURLToPath(new URL('../support/guard.ts', import.meta.url));
const TARGETS = ['clean.example', 'mx-bad.example', 'nomx.outcomes.example', 'shared-a.example', 'shared-b.example', '192.0.2.70'];

let dns: FixtureDnsServer;
let work: string;
let path: string;
before(async () => {
  dns = await startTestDns();
  work = mkdtempSync(join(tmpdir(), 'smtp-audit-examples-'));
  // `smtp-audit` on PATH, as the image or `npm link` provides it
  const bin = join(work, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'smtp-audit'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(bin, 'smtp-audit'), 0o755);
  path = `${bin}:${dirname(process.execPath)}:${process.env.PATH}`;
  writeFileSync(join(work, 'domains.txt'), `${TARGETS.join('\n')}\n`);
});
after(() => dns.stop());

/**
 * Runs a step's script with the shell the example names, in `cwd`, with `env` on top of the
 * test's. Asynchronously: the fixture DNS server answers from this process's event loop.
 */
function run(shell: string, script: string, cwd: string, env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(shell, ['-c', script], { cwd, env: { ...process.env, NODE_OPTIONS: `--import ${GUARD}`, PATH: path, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
    child.on('error', reject);
    child.on('close', (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }); });
  });
}

const extraArgs = () => `--no-smtp --resolver ${dns.address} --only mx,ptr --no-config`;

test('Kubernetes: the Indexed Job audits one shard per completion index and the merge Job reports every target', async () => {
  const [claim, job] = parseAllDocuments(readFileSync(join(EXAMPLES, 'kubernetes/indexed-job.yaml'), 'utf8')).map((d) => d.toJS());
  const merge = parse(readFileSync(join(EXAMPLES, 'kubernetes/merge-job.yaml'), 'utf8'));
  assert.equal(claim.kind, 'PersistentVolumeClaim');
  assert.equal(job.spec.completionMode, 'Indexed');
  const container = job.spec.template.spec.containers[0];
  const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
  assert.equal(Number(env.SHARDS), job.spec.completions, 'SHARDS is the number of completions');
  assert.equal(job.spec.parallelism, job.spec.completions);
  assert.deepEqual(container.command.slice(0, 2), ['sh', '-c']);

  const results = join(work, 'k8s-results');
  mkdirSync(results);
  const seen: string[] = [];
  for (let index = 0; index < job.spec.completions; index++) {
    const r = await run('sh', container.command[2], work, { ...env, JOB_COMPLETION_INDEX: String(index), DOMAINS: join(work, 'domains.txt'), RESULTS: results, SMTP_AUDIT_ARGS: extraArgs() });
    assert.equal(r.status, 0, `index ${index}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, new RegExp(`shard ${index + 1}/${env.SHARDS}: exit [013]`));
    const text = readFileSync(join(results, `shard-${index + 1}.ndjson`), 'utf8').trim();
    if (text) seen.push(...text.split('\n').map((l) => (JSON.parse(l) as Report).domain));
  }
  assert.deepEqual([...seen].sort(), [...TARGETS].sort(), 'every target in exactly one shard');

  const mergeContainer = merge.spec.template.spec.containers[0];
  const mergeEnv = Object.fromEntries(mergeContainer.env.map((e: { name: string; value: string }) => [e.name, e.value]));
  const m = await run('sh', mergeContainer.command[2], work, { ...mergeEnv, DOMAINS: join(work, 'domains.txt'), RESULTS: results });
  assert.equal(m.status, 0, m.stdout + m.stderr);
  assert.match(m.stdout, new RegExp(`^${TARGETS.length} targets: `, 'm'));
  assert.match(m.stdout, /merged: exit [013]/);
  assert.deepEqual((JSON.parse(readFileSync(join(results, 'report.json'), 'utf8')) as Report[]).map((r) => r.domain), TARGETS, 'in the order of domains.txt');
});

test('GitHub Actions: each matrix job audits its shard, the merge job reports every target and gates on the result', async () => {
  const workflow = parse(readFileSync(join(EXAMPLES, 'github-actions/sharded-audit.yml'), 'utf8'));
  const shards: number[] = workflow.jobs.audit.strategy.matrix.shard;
  assert.deepEqual(shards, shards.map((_, i) => i + 1), 'shards numbered from 1');
  assert.equal(workflow.jobs.merge.needs, 'audit');
  const shardStep = workflow.jobs.audit.steps.find((s: { id?: string }) => s.id === 'shard');
  const mergeStep = workflow.jobs.merge.steps.find((s: { id?: string }) => s.id === 'merge');
  const env = { ...workflow.env, DOMAINS: 'domains.txt', SMTP_AUDIT_ARGS: extraArgs() };

  const dir = join(work, 'gha');
  mkdirSync(join(dir, 'shards'), { recursive: true });
  copyFileSync(join(work, 'domains.txt'), join(dir, 'domains.txt'));
  for (const shard of shards) {
    const script = shardStep.run.replaceAll('${{ matrix.shard }}', String(shard)).replaceAll('${{ strategy.job-total }}', String(shards.length));
    const output = join(dir, `output-${shard}`);
    const r = await run('bash', script, dir, { ...env, GITHUB_OUTPUT: output });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(readFileSync(output, 'utf8'), /^exit-code=[013]$/m);
    // what upload-artifact + download-artifact (merge-multiple) do
    copyFileSync(join(dir, `shard-${shard}.ndjson`), join(dir, 'shards', `shard-${shard}.ndjson`));
  }
  const summary = join(dir, 'step-summary.md');
  const m = await run('bash', mergeStep.run, dir, { ...env, GITHUB_STEP_SUMMARY: summary });
  const reports = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report[];
  assert.deepEqual(reports.map((r) => r.domain), TARGETS);
  const failing = reports.some((r) => r.checks.some((c) => c.status === 'fail'));
  assert.equal(m.status, failing ? 1 : 3, m.stderr);
  assert.match(readFileSync(summary, 'utf8'), new RegExp(`^\`\`\`\\n${TARGETS.length} targets: `));
});
