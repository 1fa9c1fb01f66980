// The run's DNS answer cache: bounded, least-recently-used, TTL-aware.
//
// A bulk run shares one cache across all its targets, so that the records many domains share
// (a provider's MX hosts and SPF includes, a blocklist's test points, a shared MX address's
// blocklist answers) are asked once. A run over 10^6 domains must not keep every answer it
// ever saw, so the cache is bounded twice: by entries and by an estimate of the bytes held
// (one 64 KB TXT answer weighs as much as hundreds of A answers). When either bound is
// reached, the least recently used answers go first: the names of the domains audited a while
// ago, while the shared names, asked by every domain, stay recent and stay cached.
//
// TTLs (RFC 1035 section 3.2.1, RFC 2181 section 8): an answer is kept for its smallest
// record TTL, clamped to [minTtl, maxTtl]. The floor keeps one audit's view consistent (its
// collectors ask for the same MX or TXT set within milliseconds, and an answer with TTL 0
// would otherwise be asked again for each of them); the cap makes a run of many hours re-ask
// what it holds at least hourly. Negative answers (NXDOMAIN, NODATA) carry no SOA here, so
// they are kept for `negativeTtl` (RFC 2308 section 5 lets a resolver cap negative caching).
// Failed lookups (timeouts, SERVFAIL) are never stored: the next domain asks again.
import type { DnsAnswer, DnsRecord } from './types.ts';

export interface AnswerCacheOptions {
  /** most answers kept (default 20,000) */
  maxEntries?: number;
  /** most estimated bytes kept (default 32 MiB) */
  maxBytes?: number;
  /** seconds; answers are kept at least this long (default 10) */
  minTtl?: number;
  /** seconds; answers are kept at most this long (default 3600) */
  maxTtl?: number;
  /** seconds an NXDOMAIN or NODATA answer is kept (default 60) */
  negativeTtl?: number;
  /** monotonic milliseconds (tests pass a fake clock) */
  now?: () => number;
}

interface Entry { answer: DnsAnswer; expires: number; bytes: number; touched: number }

/** A rough size in bytes of what an answer keeps alive: object overhead plus its strings. */
export function answerWeight(answer: DnsAnswer): number {
  let bytes = 200 + answer.name.length * 2;
  for (const cname of answer.cnames) bytes += 40 + cname.length * 2;
  for (const record of answer.records) bytes += recordWeight(record);
  return bytes;
}

function recordWeight(record: DnsRecord): number {
  const base = 80 + record.name.length * 2;
  switch (record.type) {
    case 'TXT': case 'SPF': return base + record.strings.reduce((n, s) => n + 40 + s.length * 2, 0);
    case 'A': case 'AAAA': return base + 40 + record.address.length * 2;
    case 'CNAME': case 'PTR': case 'NS': return base + 40 + record.target.length * 2;
    case 'TLSA': return base + 80 + record.data.data.length * 2;
    default: return base + 200;
  }
}

export class AnswerCache {
  readonly maxEntries: number;
  readonly maxBytes: number;
  private readonly minTtlMs: number;
  private readonly maxTtlMs: number;
  private readonly negativeTtlMs: number;
  private readonly now: () => number;
  /** insertion order is recency order: a hit moves its key to the end */
  private readonly entries = new Map<string, Entry>();
  private heldBytes = 0;
  /** answers dropped to stay within the bounds (not expiries), for the bench */
  evictions = 0;
  /** counts insertions: the age of an entry in the recency order, without looking it up */
  private generation = 0;

  constructor(options: AnswerCacheOptions = {}) {
    this.maxEntries = Math.max(1, options.maxEntries ?? 20_000);
    this.maxBytes = Math.max(1024, options.maxBytes ?? 32 * 1024 * 1024);
    this.minTtlMs = (options.minTtl ?? 10) * 1000;
    this.maxTtlMs = Math.max(this.minTtlMs, (options.maxTtl ?? 3600) * 1000);
    this.negativeTtlMs = Math.min(this.maxTtlMs, Math.max(this.minTtlMs, (options.negativeTtl ?? 60) * 1000));
    this.now = options.now ?? (() => performance.now());
  }

  get size(): number { return this.entries.size; }
  get bytes(): number { return this.heldBytes; }

  /** The live answer for `key`, or undefined (absent or expired). A hit makes it most recent. */
  get(key: string): DnsAnswer | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.delete(key);
      return undefined;
    }
    // Moving a key to the end of the Map costs a delete and an insert; a bulk run hits the
    // shared names hundreds of thousands of times. An entry inserted or moved within the last
    // quarter of the capacity is far from eviction, so it stays where it is (approximate LRU).
    if (this.generation - entry.touched > this.maxEntries / 4) {
      this.entries.delete(key);
      entry.touched = ++this.generation;
      this.entries.set(key, entry);
    }
    return entry.answer;
  }

  /** Keeps a settled answer for its TTL; failed lookups are not kept. */
  set(key: string, answer: DnsAnswer): void {
    const lifetime = this.lifetimeMs(answer);
    if (lifetime === null) return;
    this.delete(key);
    const bytes = answerWeight(answer);
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { answer, expires: this.now() + lifetime, bytes, touched: ++this.generation });
    this.heldBytes += bytes;
    this.evict();
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.heldBytes -= entry.bytes;
  }

  private lifetimeMs(answer: DnsAnswer): number | null {
    if (answer.outcome === 'error') return null;
    if (answer.outcome !== 'ok' || answer.records.length === 0) return this.negativeTtlMs;
    let ttl = Infinity;
    for (const record of answer.records) ttl = Math.min(ttl, record.ttl);
    return Math.min(this.maxTtlMs, Math.max(this.minTtlMs, ttl * 1000));
  }

  /**
   * Drops least recently used answers until the cache is an eighth below its bounds. In batches:
   * a Map iterator starts from the oldest slot and steps over the slots of deleted entries, so
   * taking one oldest key per insertion would walk ever more holes (measured: 6 % of a bulk
   * run's CPU); one walk per batch does not.
   */
  private evict(): void {
    if (this.entries.size <= this.maxEntries && this.heldBytes <= this.maxBytes) return;
    const entryGoal = this.maxEntries - Math.floor(this.maxEntries / 8);
    const byteGoal = this.maxBytes - Math.floor(this.maxBytes / 8);
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= entryGoal && this.heldBytes <= byteGoal) break;
      if (entry.expires > now) this.evictions++;
      this.delete(key);
    }
  }
}
