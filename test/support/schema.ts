// The shipped JSON Schema, compiled once; every JSON report a test sees is validated with it.
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const schema = JSON.parse(readFileSync(new URL('../../schema/report.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: false });
(addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
const validate = ajv.compile(schema);

export function assertValidReport(data: unknown): void {
  const ok = validate(data);
  assert.ok(ok, `report does not match schema/report.schema.json: ${ajv.errorsText(validate.errors, { separator: '\n' })}`);
}
