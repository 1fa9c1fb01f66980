// The openspf RFC 7208 suite (test/vectors/spf/rfc7208-tests.yml), read once into
// plain cases; shared by the walker's and the --ip evaluation's conformance tests.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { conformancePath } from './conformance.ts';
import type { ZoneData } from './zonedata-resolver.ts';

export interface SuiteCase {
  id: string;
  scenario: string;
  helo: string;
  host: string;
  mailfrom: string;
  /** Acceptable results, preferred first. */
  results: string[];
  zonedata: ZoneData;
}

export function loadSpfSuite(): SuiteCase[] {
  const file = conformancePath('spf', 'rfc7208-tests.yml');
  const cases: SuiteCase[] = [];
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    if ('errors' in doc && doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    const scenario = doc.toJS() as { description: string; tests?: Record<string, Record<string, unknown>>; zonedata?: ZoneData } | null;
    if (!scenario?.tests) continue;
    for (const [id, test] of Object.entries(scenario.tests)) {
      cases.push({
        id,
        scenario: scenario.description,
        helo: String(test.helo ?? ''),
        host: String(test.host),
        mailfrom: String(test.mailfrom ?? ''),
        results: (Array.isArray(test.result) ? test.result : [test.result]).map(String),
        zonedata: scenario.zonedata ?? {},
      });
    }
  }
  return cases;
}

/** The identity checked: the MAIL FROM domain, or the HELO name for a null reverse-path (RFC 7208 2.4). */
export function senderDomain(c: SuiteCase): string {
  return c.mailfrom === '' ? c.helo : c.mailfrom.slice(c.mailfrom.lastIndexOf('@') + 1);
}
