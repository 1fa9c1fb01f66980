// Which TXT answers of the DKIM facts are key records, parsed. Pure: the dkim checks share it.
// A discovered selector (one the user did not name) counts only when its TXT record looks like
// a DKIM key (RFC 6376 3.6.1 tags v=DKIM1, k= or p=): generic names such as "mail" or "default"
// often hold unrelated TXT records. Answers equal to the wildcard probe's are not keys.
import type { DkimFacts, DkimSelectorLookup } from '../collect/dkim.ts';
import { parseDkimKey, type DkimKeyRecord } from '../parse/dkim-key-record.ts';

export interface DkimKeyView {
  lookup: DkimSelectorLookup;
  text: string;
  key: DkimKeyRecord;
}

// The same key records come back again and again: three dkim checks read each domain's keys,
// and a bulk run meets a provider's key at every customer domain. Parsing one means decoding
// the public key (an RSA modulus), so parsed records are kept by their text, a bounded number
// of them. Parsed records are plain data that no check changes.
const PARSED_MAX = 2000;
const parsed = new Map<string, DkimKeyRecord>();

function parseKeyOnce(text: string): DkimKeyRecord {
  let key = parsed.get(text);
  if (key === undefined) {
    key = parseDkimKey(text);
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(text, key);
  }
  return key;
}

export function looksLikeDkimKey(text: string): boolean {
  return /(^|;)\s*(v\s*=\s*DKIM1|k\s*=|p\s*=)/i.test(text);
}

export function dkimKeyRecords(facts: DkimFacts): { keys: DkimKeyView[]; ignored: Array<{ lookup: DkimSelectorLookup; text: string }> } {
  const keys: DkimKeyView[] = [];
  const ignored: Array<{ lookup: DkimSelectorLookup; text: string }> = [];
  for (const lookup of facts.lookups) {
    if (lookup.wildcard || lookup.txt.outcome !== 'ok') continue;
    const given = lookup.sources.includes('given');
    for (const text of lookup.txt.values) {
      if (given || looksLikeDkimKey(text)) keys.push({ lookup, text, key: parseKeyOnce(text) });
      else ignored.push({ lookup, text });
    }
  }
  return { keys, ignored };
}

/** The record holds a public key that decodes (whatever its strength) and is not revoked. */
export function holdsKey(view: DkimKeyView): boolean {
  return !view.key.revoked && view.key.keyFormat !== null;
}

/** Parser issues about the key's size, which dkim/key-strength reports instead of dkim/key-record. */
export const KEY_SIZE_ISSUES: ReadonlySet<string> = new Set(['dkim-rsa-key-too-short', 'dkim-rsa-key-short', 'dkim-rsa-key-large']);
