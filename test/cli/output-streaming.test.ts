// Reports stream to their outputs: the streamed json and ndjson texts are exactly what
// render() gives for the same reports, json stays in input order whatever order the audits
// finish in, --save-facts is the same document as before, and when an audit fails with an
// internal error the reports that finished before it are still written, whole, to every output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parseAuditFlags, type SavedFacts } from '../../src/cli/audit-options.ts';
import { compactReport, ReportOutputs } from '../../src/cli/report-outputs.ts';
import { runAudits, type RunIo } from '../../src/cli/run-audits.ts';
import { parseTarget } from '../../src/core/target.ts';
import type { Report } from '../../src/core/report-types.ts';
import { jsonReporter, ndjsonReporter } from '../../src/report/json.ts';
import { REPORTERS } from '../../src/report/index.ts';
import type { Reporter } from '../../src/report/reporter.ts';
import { brokenFacts, cleanFacts, goldenEnv, goldenReports, nullMxFacts, timeoutFacts } from '../report/golden-reports.ts';

const OPTIONS = { color: false, verbose: false };

function streamed(reporter: Reporter, reports: readonly Report[], total = reports.length): string {
  const stream = reporter.stream!(OPTIONS, total);
  return reports.map((r, i) => stream.separator(i) + stream.report(r)).join('') + stream.end(reports.length);
}

test('json and ndjson streamed are byte for byte what render() gives, for 0, 1 and several reports', async () => {
  const reports = await goldenReports();
  for (const n of [0, 1, 2, 4]) {
    const some = reports.slice(0, n);
    assert.equal(streamed(jsonReporter, some), jsonReporter.render(some, OPTIONS), `json, ${n} reports`);
    assert.equal(streamed(ndjsonReporter, some), ndjsonReporter.render(some, OPTIONS), `ndjson, ${n} reports`);
  }
  // fewer finished than announced (after an internal error): still one valid document
  assert.deepEqual(JSON.parse(streamed(jsonReporter, reports.slice(0, 1), 4)).map((r: Report) => r.domain), ['broken.example']);
  assert.deepEqual(JSON.parse(streamed(jsonReporter, [], 4)), []);
});

test('the formats rendered at the end read nothing of the facts they are not kept with', async () => {
  // if a renderer starts reading facts, report-outputs.ts must keep them (or the renderer stream)
  const reports = await goldenReports();
  for (const [name, reporter] of REPORTERS) {
    if (reporter.stream) continue;
    for (const verbose of [false, true]) {
      assert.equal(reporter.render(reports.map(compactReport), { color: false, verbose }), reporter.render(reports, { color: false, verbose }), `${name}${verbose ? ' --verbose' : ''}`);
    }
  }
});

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8').on('data', (d: string) => { text += d; });
  return { stream, text: () => text };
}

test('json keeps input order when audits finish out of order; --save-facts streams the same document as before', async () => {
  const reports = await goldenReports();
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-stream-'));
  const out = sink();
  const outputs = new ReportOutputs({
    outputs: [{ format: 'json', file: null }, { format: 'ndjson', file: join(dir, 'r.ndjson') }, { format: 'table', file: join(dir, 'r.txt') }],
    reporters: REPORTERS, optionsFor: () => OPTIONS, total: 4, stdout: out.stream,
    saveFacts: { file: join(dir, 'facts.json'), header: { tool: { name: 'smtp-audit', version: '9.9.9' }, savedAt: '2026-11-23T10:00:00.000Z' } },
  });
  const order = [2, 0, 3, 1];
  for (const i of order) outputs.add(reports[i]!, i);
  await outputs.finish();
  assert.equal(out.text(), jsonReporter.render(reports, OPTIONS), 'the json array is in input order');
  assert.deepEqual(readFileSync(join(dir, 'r.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).domain), order.map((i) => reports[i]!.domain), 'ndjson: as they finished');
  assert.equal(readFileSync(join(dir, 'r.txt'), 'utf8'), REPORTERS.get('table')!.render(reports, OPTIONS), 'table: rendered at the end, in input order, from reports kept without facts');
  const saved: SavedFacts = {
    schemaVersion: 1, tool: { name: 'smtp-audit', version: '9.9.9' }, savedAt: '2026-11-23T10:00:00.000Z',
    audits: order.map((i) => ({ target: reports[i]!.domain, facts: reports[i]!.facts as SavedFacts['audits'][number]['facts'] })),
  };
  assert.equal(readFileSync(join(dir, 'facts.json'), 'utf8'), `${JSON.stringify(saved, null, 2)}\n`);
  assert.deepEqual(readdirSync(dir).sort(), ['facts.json', 'r.ndjson', 'r.txt'], 'no temp file left');
});

test('an internal error in one audit: no new audit starts, and the reports that finished are written whole to every output', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-partial-'));
  const settings = parseAuditFlags({
    format: ['table', `json:${join(dir, 'r.json')}`, `ndjson:${join(dir, 'r.ndjson')}`, `sarif:${join(dir, 'r.sarif')}`],
    saveFacts: join(dir, 'facts.json'), only: ['mx', 'ptr'], concurrency: '1', config: false,
  });
  const targets = ['broken.example', 'clean.example', 'timeout.example', 'nullmx.example'];
  const facts = [brokenFacts(), cleanFacts(), timeoutFacts(), nullMxFacts()];
  settings.replay = { schemaVersion: 1, tool: { name: 'smtp-audit', version: '9.9.9' }, savedAt: '', audits: targets.map((target, i) => ({ target, facts: facts[i]! })) };
  // a bug of ours in the third audit: reading the options throws
  let audits = 0;
  Object.defineProperty(settings.options, 'port', { enumerable: true, get() { if (++audits === 3) throw new Error('injected bug'); return 25; } });
  const out = sink();
  const err = sink();
  const io = { stdout: out.stream, stderr: err.stream } as unknown as RunIo;
  await assert.rejects(runAudits(targets.map((t) => parseTarget(t)), settings, goldenEnv(), io), /injected bug/);
  assert.equal(audits, 3, 'the fourth audit never started');
  const finished = ['broken.example', 'clean.example'];
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).map((r: Report) => r.domain), finished);
  assert.deepEqual(readFileSync(join(dir, 'r.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).domain), finished);
  assert.equal(JSON.parse(readFileSync(join(dir, 'r.sarif'), 'utf8')).version, '2.1.0');
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'facts.json'), 'utf8')).audits.map((a: { target: string }) => a.target), finished);
  assert.match(out.text(), /broken\.example/);
  assert.match(out.text(), /clean\.example/);
  assert.doesNotMatch(out.text(), /timeout\.example/);
  assert.deepEqual(readdirSync(dir).sort(), ['facts.json', 'r.json', 'r.ndjson', 'r.sarif']);
});
