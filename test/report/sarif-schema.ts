// The SARIF 2.1.0 JSON Schema vendored in test/fixtures-schema (see its README), compiled once.
// It is a draft-04 schema; Ajv 8 reads it in draft-07 mode once the draft-04 header ($schema,
// id) is dropped: the schema uses no keyword whose meaning changed between the two drafts.
// GitHub's own rules for uploads are checked on top (githubSarifProblems).
// One of its patterns (the `language` tag, `...[a-zA-Z]{2}]?$`) has a stray `]` that only
// non-Unicode regular expressions accept, as draft-04 validators of its day compiled them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

export const SARIF_SCHEMA_FILE = fileURLToPath(new URL('../fixtures-schema/sarif-2.1.0-rtm.5.json', import.meta.url));

const { $schema: _draft, id: _id, ...schema } = JSON.parse(readFileSync(SARIF_SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
(addFormatsModule as unknown as (a: Ajv) => void)(ajv);
const validate = ajv.compile(schema);

/**
 * What GitHub code scanning requires of an uploaded log beyond the schema ("SARIF support for
 * code scanning", docs.github.com: code-security/reference/code-scanning/sarif-files/sarif-support),
 * as problems, one a line: $schema and version 2.1.0; at most 20 runs; a named tool.driver with
 * rules[], each with an id (unique), shortDescription, fullDescription (both at most 1024
 * characters) and help text, a name of at most 255; every result with a ruleId found in the
 * rules (and a ruleIndex pointing at it), a level of none/note/warning/error, a message, 1 to 10
 * locations of which the first has a physicalLocation with an artifactLocation.uri and a
 * region (startLine, startColumn, endLine, endColumn), and partialFingerprints that identify it
 * uniquely in its run.
 */
export function githubSarifProblems(log: unknown): string[] {
  const problems: string[] = [];
  const fail = (where: string, what: string): void => { problems.push(`${where}: ${what}`); };
  const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
  const l = log as { $schema?: unknown; version?: unknown; runs?: unknown };
  if (!nonEmpty(l.$schema)) fail('$schema', 'missing');
  if (l.version !== '2.1.0') fail('version', `must be 2.1.0, is ${String(l.version)}`);
  if (!Array.isArray(l.runs)) return [...problems, 'runs: missing'];
  if (l.runs.length > 20) fail('runs', `${l.runs.length} runs, GitHub accepts 20`);
  l.runs.forEach((run: Record<string, any>, r: number) => {
    const driver = run.tool?.driver;
    if (!nonEmpty(driver?.name)) fail(`runs[${r}].tool.driver.name`, 'missing');
    const rules: Array<Record<string, any>> = Array.isArray(driver?.rules) ? driver.rules : [];
    if (!Array.isArray(driver?.rules)) fail(`runs[${r}].tool.driver.rules`, 'missing');
    const ids = new Set<string>();
    rules.forEach((rule, i) => {
      const at = `runs[${r}].rules[${i}]`;
      if (!nonEmpty(rule.id)) fail(at, 'no id');
      else if (ids.has(rule.id)) fail(at, `duplicate id ${rule.id}`);
      ids.add(rule.id);
      for (const key of ['shortDescription', 'fullDescription']) {
        if (!nonEmpty(rule[key]?.text)) fail(at, `no ${key}.text`);
        else if (rule[key].text.length > 1024) fail(at, `${key}.text is over 1024 characters`);
      }
      if (!nonEmpty(rule.help?.text)) fail(at, 'no help.text');
      if (rule.name !== undefined && String(rule.name).length > 255) fail(at, 'name over 255 characters');
      const level = rule.defaultConfiguration?.level;
      if (level !== undefined && !['note', 'warning', 'error'].includes(level)) fail(at, `defaultConfiguration.level ${level}`);
    });
    const identities = new Set<string>();
    (Array.isArray(run.results) ? run.results : []).forEach((result: Record<string, any>, i: number) => {
      const at = `runs[${r}].results[${i}]`;
      if (!nonEmpty(result.ruleId)) fail(at, 'no ruleId');
      else if (!ids.has(result.ruleId)) fail(at, `ruleId ${result.ruleId} is not in tool.driver.rules`);
      if (result.ruleIndex !== undefined && rules[result.ruleIndex]?.id !== result.ruleId) fail(at, 'ruleIndex does not point at its rule');
      if (result.level !== undefined && !['none', 'note', 'warning', 'error'].includes(result.level)) fail(at, `level ${result.level}`);
      if (!nonEmpty(result.message?.text)) fail(at, 'no message.text');
      const locations = Array.isArray(result.locations) ? result.locations : [];
      if (locations.length === 0 || locations.length > 10) fail(at, `${locations.length} locations (1 to 10)`);
      const physical = locations[0]?.physicalLocation;
      if (!nonEmpty(physical?.artifactLocation?.uri)) fail(at, 'no physicalLocation.artifactLocation.uri');
      for (const key of ['startLine', 'startColumn', 'endLine', 'endColumn']) {
        if (!Number.isInteger(physical?.region?.[key]) || physical.region[key] < 1) fail(at, `no region.${key}`);
      }
      const prints = result.partialFingerprints;
      if (!prints || typeof prints !== 'object' || Object.keys(prints).length === 0) fail(at, 'no partialFingerprints');
      else {
        const identity = `${result.ruleId}\0${JSON.stringify(prints)}`;
        if (identities.has(identity)) fail(at, 'same partialFingerprints as another result of its rule');
        identities.add(identity);
      }
    });
  });
  return problems;
}

/** Valid against the SARIF 2.1.0 schema and acceptable to GitHub code scanning. */
export function assertValidSarif(log: unknown): void {
  const ok = validate(log);
  assert.ok(ok, `SARIF log does not match the SARIF 2.1.0 schema: ${ajv.errorsText(validate.errors, { separator: '\n' })}`);
  const problems = githubSarifProblems(log);
  assert.deepEqual(problems, [], `SARIF log breaks GitHub's ingestion rules:\n${problems.join('\n')}`);
}
