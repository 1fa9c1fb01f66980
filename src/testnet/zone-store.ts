// An in-memory authoritative view of fixture zones with the lookup rules a recursive
// resolver would show a stub: NXDOMAIN vs NODATA (RFC 8020: empty non-terminals exist),
// CNAME chains followed (RFC 1034 3.6.2), wildcards at the closest encloser (RFC 4592 3.3.1).
import type { ZoneRecord } from '../parse/zone-file.ts';

export type Lookup =
  | { rcode: 'NOERROR' | 'NXDOMAIN'; answers: ZoneRecord[] };

const MAX_CNAME_HOPS = 8;

export class ZoneStore {
  private readonly byName = new Map<string, ZoneRecord[]>();
  private readonly existing = new Set<string>();

  constructor(records: Iterable<ZoneRecord> = []) {
    for (const record of records) this.add(record);
  }

  add(record: ZoneRecord): void {
    const name = record.name.toLowerCase();
    const list = this.byName.get(name) ?? [];
    list.push({ ...record, name });
    this.byName.set(name, list);
    // every ancestor exists too (empty non-terminals)
    const labels = name.split('.');
    for (let i = 0; i < labels.length; i++) this.existing.add(labels.slice(i).join('.'));
  }

  get records(): ZoneRecord[] {
    return [...this.byName.values()].flat();
  }

  private nodeRecords(name: string): ZoneRecord[] | null {
    const exact = this.byName.get(name);
    if (exact) return exact;
    if (this.existing.has(name)) return [];
    // RFC 4592 3.3.1: find the closest encloser; a wildcard child of it synthesizes the answer.
    const labels = name.split('.');
    for (let i = 1; i < labels.length; i++) {
      const encloser = labels.slice(i).join('.');
      if (!this.existing.has(encloser)) continue;
      const wildcard = this.byName.get(`*.${encloser}`);
      if (!wildcard) return null;
      return wildcard.map((r) => ({ ...r, name }));
    }
    return null;
  }

  lookup(rawName: string, type: string): Lookup {
    let name = rawName.toLowerCase().replace(/\.$/, '');
    const answers: ZoneRecord[] = [];
    const seen = new Set<string>();
    for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
      const node = this.nodeRecords(name);
      if (node === null) return { rcode: 'NXDOMAIN', answers };
      const matching = node.filter((r) => r.type === type);
      if (matching.length > 0 || type === 'CNAME') {
        answers.push(...matching);
        return { rcode: 'NOERROR', answers };
      }
      const alias = node.find((r) => r.type === 'CNAME');
      if (!alias || alias.type !== 'CNAME') return { rcode: 'NOERROR', answers };
      answers.push(alias);
      if (seen.has(alias.target)) return { rcode: 'NOERROR', answers };
      seen.add(name);
      name = alias.target;
    }
    return { rcode: 'NOERROR', answers };
  }
}
