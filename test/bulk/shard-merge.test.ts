// --shard K/N and `smtp-audit merge`: every target lands in exactly one shard, shards are even
// and stable, and merging the shards' NDJSON gives the reports (and the exit code) of one
// unsharded run over the same saved facts. Through the real bin, on the fixture DNS server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseShard, shardOf } from '../../src/cli/shard.ts';
import type { Report } from '../../src/core/report-types.ts';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { runBin } from '../support/run-bin.ts';
import { assertValidReport } from '../support/schema.ts';

/** 24 domains in four states (MX with PTR, MX without PTR, no MX, no domain) and two addresses. */
function shardZone(): { zone: string; targets: string[] } {
  let zone = '';
  const targets: string[] = [];
  for (let i = 0; i < 24; i++) {
    const domain = `d${i}.shard.extra.example`;
    targets.push(domain);
    const address = `192.0.2.${100 + i}`;
    if (i % 4 === 0 || i % 4 === 1) {
      zone += `${domain}. IN MX 10 mx.${domain}.\nmx.${domain}. IN A ${address}\n`;
      if (i % 4 === 0) zone += `${100 + i}.2.0.192.in-addr.arpa. IN PTR mx.${domain}.\n`;
      zone += `${domain}. IN TXT "v=spf1 mx -all"\n_dmarc.${domain}. IN TXT "v=DMARC1; p=reject"\n`;
    } else if (i % 4 === 2) {
      zone += `${domain}. IN A ${address}\n`;
    }
  }
  targets.push('192.0.2.100', '192.0.2.101');
  return { zone, targets };
}

let dns: FixtureDnsServer;
let dir: string;
let targetsFile: string;
let factsFile: string;
let targets: string[];
before(async () => {
  const generated = shardZone();
  targets = generated.targets;
  dns = await startTestDns({ extraZone: generated.zone });
  dir = mkdtempSync(join(tmpdir(), 'smtp-audit-shard-'));
  targetsFile = join(dir, 'targets.txt');
  factsFile = join(dir, 'facts.json');
  writeFileSync(targetsFile, `# the list the shards are cut from\n${targets.join('\n')}\n`);
  const live = await runBin(['--input', targetsFile, '--resolver', dns.address, '--no-smtp', '--only', 'mx,ptr,spf,dmarc', '--no-config', '--save-facts', factsFile, '--format', 'ndjson', '--output', join(dir, 'live.ndjson')]);
  assert.ok(live.code === 1 || live.code === 3, live.stderr);
}, { timeout: 60000 });
after(() => dns.stop());

/** A report without what differs between two runs over the same facts: when and how long. */
const timeless = (r: Report) => ({ ...r, startedAt: null, durationMs: null });
const domains = (ndjson: string): string[] => ndjson.trim() === '' ? [] : ndjson.trim().split('\n').map((l) => (JSON.parse(l) as Report).domain);

test('--shard K/N: validated, one line and exit 2 when not K/N with 1 <= K <= N', async () => {
  assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
  assert.deepEqual(parseShard(' 1 / 1 '), { index: 1, count: 1 });
  for (const bad of ['0/4', '5/4', '1/0', '2', 'a/b', '1/4/2', '-1/4']) assert.throws(() => parseShard(bad), /--shard/, bad);
  const r = await runBin(['example.com', '--shard', '3/2', '--no-config']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^smtp-audit: --shard 3\/2: K must be between 1 and 2/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('every target lands in exactly one shard, shards are even, and the hash never changes', () => {
  const names = Array.from({ length: 10_000 }, (_, i) => `host${i}.example${i % 7}.com`);
  for (const count of [1, 2, 3, 7, 16]) {
    const sizes = new Array<number>(count + 1).fill(0);
    for (const name of names) {
      const shard = shardOf(name, count);
      assert.ok(Number.isInteger(shard) && shard >= 1 && shard <= count);
      sizes[shard]!++;
    }
    const expected = names.length / count;
    for (let k = 1; k <= count; k++) assert.ok(Math.abs(sizes[k]! - expected) < expected * 0.1, `shard ${k}/${count} holds ${sizes[k]} of ${names.length}`);
  }
  // a re-run of one shard (any machine, any later version) must audit the same targets
  assert.deepEqual(['example.com', 'xn--bcher-kva.example', '192.0.2.25', 'd0.bench'].map((n) => shardOf(n, 1000)), [120, 720, 763, 178]);
});

test('the shards of a list partition it, and merge gives the reports and exit code of one unsharded run', async () => {
  const whole = await runBin(['--input', targetsFile, '--facts', factsFile, '--format', 'json', '--concurrency', '1', '--no-config']);
  assert.ok(whole.code === 1 || whole.code === 3, whole.stderr);
  const unsharded = JSON.parse(whole.stdout) as Report[];
  assert.equal(unsharded.length, targets.length);

  const shardFiles: string[] = [];
  const seen = new Map<string, number>();
  for (let k = 1; k <= 3; k++) {
    const file = join(dir, `shard-${k}.ndjson`);
    shardFiles.push(file);
    const r = await runBin(['--input', targetsFile, '--facts', factsFile, '--shard', `${k}/3`, '--format', 'ndjson', '--output', file, '--no-config']);
    assert.notEqual(r.code, 2, r.stderr);
    const inShard = domains(readFileSync(file, 'utf8'));
    assert.ok(inShard.length > 0, `shard ${k} is not empty`);
    for (const d of inShard) {
      assert.equal(seen.has(d), false, `${d} in shard ${seen.get(d)} and in shard ${k}`);
      seen.set(d, k);
      assert.equal(shardOf(d, 3), k);
    }
    // a re-run of one shard audits the same targets
    const again = await runBin(['--input', targetsFile, '--facts', factsFile, '--shard', `${k}/3`, '--format', 'ndjson', '--no-config']);
    assert.deepEqual(domains(again.stdout).sort(), [...inShard].sort());
  }
  assert.deepEqual([...seen.keys()].sort(), [...targets].sort(), 'every target is in a shard');

  const merged = await runBin(['merge', ...shardFiles.reverse(), '--input', targetsFile, '--format', 'json']);
  assert.equal(merged.code, whole.code, merged.stderr);
  const reports = JSON.parse(merged.stdout) as Report[];
  for (const r of reports) assertValidReport(r);
  assert.deepEqual(reports.map(timeless), unsharded.map(timeless));

  // without --input: file by file, the same reports
  const unordered = await runBin(['merge', ...shardFiles, '--format', 'ndjson']);
  assert.equal(unordered.code, whole.code);
  assert.deepEqual(domains(unordered.stdout).sort(), [...targets].sort());

  // the summary counts what the reports say
  const summary = await runBin(['merge', ...shardFiles]);
  assert.equal(summary.code, whole.code);
  assert.match(summary.stdout, new RegExp(`^${targets.length} targets: `));
  const mxFails = unsharded.filter((r) => r.checks.find((c) => c.id === 'mx/present')!.status === 'fail').length;
  assert.match(summary.stdout, new RegExp(`^  mx/present +\\d+ +\\d+ +\\d+ +${mxFails} `, 'm'));

  // standard input works too
  const piped = await runBin(['merge', '-', '--format', 'ndjson'], { input: shardFiles.map((f) => readFileSync(f, 'utf8')).join('') });
  assert.deepEqual(domains(piped.stdout).sort(), [...targets].sort());
});

test('merge refuses overlapping shards and foreign lines (exit 2), and names the targets no shard has (exit 3)', async () => {
  const shard = join(dir, 'one.ndjson');
  const r1 = await runBin(['--input', targetsFile, '--facts', factsFile, '--shard', '1/2', '--format', 'ndjson', '--output', shard, '--no-config']);
  assert.notEqual(r1.code, 2, r1.stderr);
  const twice = await runBin(['merge', shard, shard]);
  assert.equal(twice.code, 2);
  assert.match(twice.stderr, /has a report in .*one\.ndjson and in .*one\.ndjson: the shards overlap, or a file was given twice/);

  const bad = join(dir, 'bad.ndjson');
  writeFileSync(bad, `${readFileSync(shard, 'utf8')}{"not":"a report"}\n`);
  const foreign = await runBin(['merge', bad]);
  assert.equal(foreign.code, 2);
  assert.match(foreign.stderr, /bad\.ndjson line \d+ is not a smtp-audit report/);
  assert.equal(foreign.stdout, '', 'nothing written before the input is known good');

  const missing = await runBin(['merge', shard, '--input', targetsFile, '--format', 'ndjson', '--fail-on', 'never']);
  assert.equal(missing.code, 3, missing.stderr);
  const absent = targets.filter((t) => shardOf(t, 2) === 2);
  assert.match(missing.stderr, new RegExp(`merge: ${absent.length} of the ${targets.length} targets in --input have no report`));
  assert.deepEqual(domains(missing.stdout).sort(), targets.filter((t) => shardOf(t, 2) === 1).sort());

  const none = await runBin(['merge', join(dir, 'no-such-file.ndjson')]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /cannot read .*no-such-file\.ndjson: ENOENT/);
});

test('a shard that holds no target succeeds with an empty report and says so', async () => {
  const k = shardOf('clean.example', 5) === 1 ? 2 : 1;
  const r = await runBin(['clean.example', '--shard', `${k}/5`, '--resolver', dns.address, '--no-smtp', '--format', 'json', '--no-config']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), []);
  assert.match(r.stderr, new RegExp(`shard ${k}/5 holds none of the 1 targets`));
});
