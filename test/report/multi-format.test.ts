import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTRACT_FORMATS, REPORTERS } from '../../src/report/index.ts';
import { planOutputs, renderOutputs } from '../../src/report/multi-format.ts';
import { goldenReports } from './golden-reports.ts';

const plan = (specs: string[], output: string | null = null) => planOutputs(specs, output, REPORTERS, CONTRACT_FORMATS);

test('every contract format has a reporter', () => {
  for (const format of CONTRACT_FORMATS) assert.ok(REPORTERS.has(format), format);
});

test('fmt[:file]: one format to stdout, the others to their files; default table', () => {
  assert.deepEqual(plan([]), [{ format: 'table', file: null }]);
  assert.deepEqual(plan(['table', 'JSON:report.json', 'sarif:out/x.sarif']), [
    { format: 'table', file: null }, { format: 'json', file: 'report.json' }, { format: 'sarif', file: 'out/x.sarif' },
  ]);
  assert.deepEqual(plan(['json:C:\\reports\\r.json']), [{ format: 'json', file: 'C:\\reports\\r.json' }], 'only the first colon splits');
});

test('--output names the file of the format given without one', () => {
  assert.deepEqual(plan(['json'], 'r.json'), [{ format: 'json', file: 'r.json' }]);
  assert.deepEqual(plan([], 'r.txt'), [{ format: 'table', file: 'r.txt' }]);
  assert.deepEqual(plan(['markdown', 'junit:j.xml'], 'r.md'), [{ format: 'markdown', file: 'r.md' }, { format: 'junit', file: 'j.xml' }]);
  assert.throws(() => plan(['json:a.json'], 'b.json'), /every --format has its own file/);
});

test('refused: unknown formats, two formats for stdout, one file twice, an empty file name', () => {
  assert.throws(() => plan(['yaml']), /unknown --format "yaml"/);
  assert.throws(() => plan(['table', 'json']), /only one format can go to stdout: table, json/);
  assert.throws(() => plan(['json:a', 'sarif:a']), /a is named by two outputs/);
  assert.throws(() => plan(['json:']), /file name after ":" is empty/);
});

test('renderOutputs renders each output from the same reports', async () => {
  const reports = await goldenReports();
  const outputs = renderOutputs(reports, plan(['json:a.json', 'junit:b.xml']), REPORTERS, () => ({ color: false, verbose: false }));
  assert.equal(JSON.parse(outputs[0]!.text).length, 4);
  assert.match(outputs[1]!.text, /^<\?xml/);
});
