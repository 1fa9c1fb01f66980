// Titles per status (issue 16): a check states what was found, not what was hoped. A check
// that ends info, warn, fail, error or skipped never keeps its passing title, in the result and
// so in the table, the Markdown, JUnit and SARIF.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ALL_CHECKS } from '../../src/checks/index.ts';
import { titleFor } from '../../src/core/check.ts';
import type { Severity } from '../../src/core/report-types.ts';
import { junitReporter } from '../../src/report/junit.ts';
import { markdownReporter } from '../../src/report/markdown.ts';
import { renderTableReport } from '../../src/report/table.ts';
import { goldenReports } from './golden-reports.ts';

const SEVERITIES: Severity[] = ['info', 'warn', 'fail'];

/** Severities a check can end in: named in its description, or added in its source file. */
function reachable(id: string, description: string): Set<Severity> {
  const source = readFileSync(fileURLToPath(new URL(`../../src/checks/${id}.ts`, import.meta.url)), 'utf8');
  const found = new Set<Severity>();
  for (const s of SEVERITIES) {
    if (new RegExp(`\\b${s}\\b`).test(description)) found.add(s);
    if (source.includes(`add('${s}'`)) found.add(s);
  }
  // a severity read from a parser's issue list may be any of them
  if (/\.add\(\w+\.severity\b/.test(source)) SEVERITIES.forEach((s) => found.add(s));
  return found;
}

test('every check has a title for each status it can end in, and none of them is its passing title', () => {
  assert.ok(ALL_CHECKS.length >= 37);
  for (const check of ALL_CHECKS) {
    const t = check.titles;
    assert.ok(t.pass.trim() !== '' && t.error.trim() !== '', check.id);
    for (const severity of reachable(check.id, check.description)) {
      assert.ok(t[severity], `${check.id} can end ${severity} but has no ${severity} title`);
    }
    for (const status of ['info', 'warn', 'fail', 'error', 'skipped'] as const) {
      assert.notEqual(titleFor(check, status), t.pass, `${check.id}: the ${status} title is the passing title`);
    }
    for (const [key, title] of Object.entries(t)) {
      if (key !== 'pass') assert.notEqual(title, t.pass, `${check.id}.titles.${key}`);
      assert.doesNotMatch(title as string, /\.$/, `${check.id}.titles.${key} is a title, not a sentence`);
    }
  }
});

test('a result carries the title of its status: info, error and skipped included', async () => {
  const [broken, , timeout, nullMx] = await goldenReports();
  const title = (report: typeof broken, id: string) => report!.checks.find((c) => c.id === id)!.title;
  assert.equal(title(nullMx, 'mx/present'), 'The domain accepts no mail (null MX)');
  assert.equal(title(nullMx, 'mx/targets'), 'Not checked: every MX target is a host name with address records');
  assert.equal(title(timeout, 'mx/present'), 'Could not tell whether the domain publishes MX records');
  assert.equal(title(broken, 'mx/targets'), 'Some MX targets are unusable');
  assert.equal(title(broken, 'mx/present'), 'The domain publishes MX records');
});

test('the table, the Markdown and JUnit say what was found for an info check', async () => {
  const nullMx = (await goldenReports())[3]!;
  const options = { color: false, verbose: false };
  const texts = [renderTableReport(nullMx, { ...options, width: 200 }), markdownReporter.render([nullMx], options), junitReporter.render([nullMx], options)];
  for (const text of texts) {
    assert.match(text, /The domain accepts no mail \(null MX\)/);
    assert.doesNotMatch(text, /The domain publishes MX records/);
  }
});
