// The SARIF 2.1.0 JSON Schema vendored in test/fixtures-schema (see its README), compiled once.
// It is a draft-04 schema; Ajv 8 reads it in draft-07 mode once the draft-04 header ($schema,
// id) is dropped: the schema uses no keyword whose meaning changed between the two drafts.
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

export function assertValidSarif(log: unknown): void {
  const ok = validate(log);
  assert.ok(ok, `SARIF log does not match the SARIF 2.1.0 schema: ${ajv.errorsText(validate.errors, { separator: '\n' })}`);
}
