// The run's DNS resolver: one instance per run, shared by every collector and by mailauth.
// 1. normalize the name (lowercase, no trailing dot) and refuse names that cannot go on
//    the wire (EBADNAME) without sending anything;
// 2. answer from the run's answer cache (bounded, LRU, TTL-aware: answer-cache.ts), or join an
//    identical query already in flight;
// 3. otherwise ask each server in turn, `tries` rounds, each attempt with its own timeout;
//    NOERROR and NXDOMAIN are final, SERVFAIL/REFUSED/timeouts move on to the next server;
// 4. map the result to an outcome (ok / nxdomain / nodata / error), never a throw.
// Failed outcomes are not kept after they settle, so a later domain in a bulk run asks again.
import { performance } from 'node:perf_hooks';
import { AnswerCache, type AnswerCacheOptions } from './answer-cache.ts';
import { DnsError, type DnsAnswer, type DnsErrorCode, type DnsRecord, type DnsResolver, type RRType } from './types.ts';
import { formatServer, networkTransport, TransportError, type DnsTransport, type NameServer } from './transport.ts';
import { selectAnswer, validateQueryName } from './wire.ts';

export interface DnsLogEntry { name: string; type: RRType; outcome: DnsAnswer['outcome']; rcode: string | null; error: string | null; count: number; ms: number; server: string | null; cached: boolean; protocol?: string }

export interface StubResolverOptions {
  servers: NameServer[];
  /** per attempt, ms */
  timeoutMs?: number;
  /** rounds over the server list */
  tries?: number;
  transport?: DnsTransport;
  log?: (entry: DnsLogEntry) => void;
  /** the answer cache, or its bounds; one cache may be shared by several resolvers */
  cache?: AnswerCache | AnswerCacheOptions;
}

export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

function answerBase(name: string, type: RRType): Omit<DnsAnswer, 'outcome' | 'rcode' | 'error'> {
  return { name, type, records: [], cnames: [], authenticated: false, server: null, ms: 0, fromCache: false };
}

const RCODE_ERRORS: Record<string, DnsErrorCode> = {
  SERVFAIL: 'ESERVFAIL', REFUSED: 'EREFUSED', NOTIMP: 'ENOTIMP', FORMERR: 'EFORMERR',
};

export class StubResolver implements DnsResolver {
  readonly servers: NameServer[];
  private readonly timeoutMs: number;
  private readonly tries: number;
  private readonly transport: DnsTransport;
  private readonly log?: (entry: DnsLogEntry) => void;
  /** settled answers (failed lookups are not kept) */
  readonly cache: AnswerCache;
  /** questions on the wire: identical questions join them instead of asking again */
  private readonly inFlight = new Map<string, Promise<DnsAnswer>>();
  /** Queries that went to the network (not served from the cache), for --verbose and tests. */
  networkQueries = 0;

  constructor(options: StubResolverOptions) {
    if (options.servers.length === 0) throw new Error('no DNS servers configured');
    this.servers = options.servers;
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.tries = Math.max(1, options.tries ?? 2);
    this.transport = options.transport ?? networkTransport;
    this.log = options.log;
    this.cache = options.cache instanceof AnswerCache ? options.cache : new AnswerCache(options.cache);
  }

  query(rawName: string, type: RRType): Promise<DnsAnswer> {
    const name = normalizeName(rawName);
    const key = `${type} ${name}`;
    const cached = this.cache.get(key);
    if (cached) return Promise.resolve(this.cacheHit(cached));
    const joined = this.inFlight.get(key);
    if (joined) return joined.then((answer) => this.cacheHit(answer));
    const pending = this.ask(name, type);
    this.inFlight.set(key, pending);
    pending.then((answer) => {
      this.inFlight.delete(key);
      this.cache.set(key, answer);
    }, () => { this.inFlight.delete(key); });
    return pending;
  }

  private cacheHit(answer: DnsAnswer): DnsAnswer {
    const hit = { ...answer, fromCache: true };
    this.log?.({ name: hit.name, type: hit.type, outcome: hit.outcome, rcode: hit.rcode, error: hit.error, count: hit.records.length, ms: 0, server: hit.server, cached: true });
    return hit;
  }

  async resolve(name: string, type: RRType): Promise<unknown> {
    return answerToNodeShape(await this.query(name, type));
  }

  private async ask(name: string, type: RRType): Promise<DnsAnswer> {
    const invalid = validateQueryName(name);
    if (invalid) {
      return { ...answerBase(name, type), outcome: 'error', rcode: null, error: 'EBADNAME', errorDetail: invalid };
    }
    const started = performance.now();
    let lastError: { code: DnsErrorCode; detail: string; rcode: string | null; server: string } | null = null;
    for (let round = 0; round < this.tries; round++) {
      for (const server of this.servers) {
        const serverText = formatServer(server);
        this.networkQueries++;
        try {
          const { response, protocol } = await this.transport.exchange(server, name, type, this.timeoutMs);
          const ms = Math.round(performance.now() - started);
          const rcodeError = RCODE_ERRORS[response.rcode];
          if (rcodeError) {
            // RFC 1035 4.1.1: SERVFAIL/REFUSED say nothing about the name; another server may answer.
            lastError = { code: rcodeError, detail: `${response.rcode} from ${serverText}`, rcode: response.rcode, server: serverText };
            continue;
          }
          const { records, cnames } = selectAnswer(name, type, response.answers);
          let answer: DnsAnswer;
          if (response.rcode === 'NXDOMAIN') {
            answer = { ...answerBase(name, type), outcome: 'nxdomain', rcode: 'NXDOMAIN', error: 'ENOTFOUND', cnames };
          } else if (response.rcode === 'NOERROR') {
            answer = records.length > 0
              ? { ...answerBase(name, type), outcome: 'ok', rcode: 'NOERROR', error: null, records, cnames }
              : { ...answerBase(name, type), outcome: 'nodata', rcode: 'NOERROR', error: 'ENODATA', cnames };
          } else {
            answer = { ...answerBase(name, type), outcome: 'error', rcode: response.rcode, error: 'EBADRESP', errorDetail: `unexpected RCODE ${response.rcode}` };
          }
          answer.authenticated = response.authenticated;
          answer.server = serverText;
          answer.ms = ms;
          this.log?.({ name, type, outcome: answer.outcome, rcode: answer.rcode, error: answer.error, count: records.length, ms, server: serverText, cached: false, protocol });
          return answer;
        } catch (error) {
          if (!(error instanceof TransportError)) throw error;
          const code: DnsErrorCode = error.kind === 'timeout' ? 'ETIMEOUT' : error.kind === 'refused' ? 'ECONNREFUSED' : 'EBADRESP';
          // A server that answered SERVFAIL is more telling than a later one that timed out.
          if (!lastError || lastError.code === 'ETIMEOUT' || lastError.code === 'ECONNREFUSED') {
            lastError = { code, detail: `${error.message} (${serverText})`, rcode: null, server: serverText };
          }
        }
      }
    }
    const ms = Math.round(performance.now() - started);
    const failure = lastError!;
    this.log?.({ name, type, outcome: 'error', rcode: failure.rcode, error: failure.code, count: 0, ms, server: failure.server, cached: false });
    return {
      ...answerBase(name, type), outcome: 'error', rcode: failure.rcode, error: failure.code,
      errorDetail: failure.detail, server: failure.server, ms,
    };
  }
}

/** Node's dns.promises.resolve() shapes, and its errors, from one of our answers. */
export function answerToNodeShape(answer: DnsAnswer): unknown {
  if (answer.outcome !== 'ok') {
    throw new DnsError(answer.error ?? 'EBADRESP', answer.name, answer.type, answer.errorDetail);
  }
  return answer.records.map((record: DnsRecord) => {
    switch (record.type) {
      case 'A': case 'AAAA': return record.address;
      case 'TXT': case 'SPF': return record.strings;
      case 'CNAME': case 'PTR': case 'NS': return record.target;
      case 'MX': return { exchange: record.data.exchange, priority: record.data.priority };
      case 'SOA': return { nsname: record.data.mname, hostmaster: record.data.rname, serial: record.data.serial, refresh: record.data.refresh, retry: record.data.retry, expire: record.data.expire, minttl: record.data.minimum };
      default: return record.data;
    }
  });
}
