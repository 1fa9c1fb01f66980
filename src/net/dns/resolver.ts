// The run's DNS resolver: one instance per run, shared by every collector and by mailauth.
// 1. normalize the name (lowercase, no trailing dot) and refuse names that cannot go on
//    the wire (EBADNAME) without sending anything;
// 2. answer from the run's answer cache (bounded, LRU, TTL-aware: answer-cache.ts), or join an
//    identical query already in flight;
// 3. otherwise ask each server in turn, `tries` rounds, each attempt with its own timeout;
//    NOERROR and NXDOMAIN are final, SERVFAIL/REFUSED/timeouts move on to the next server;
// 4. map the result to an outcome (ok / nxdomain / nodata / error), never a throw: an
//    unreachable server, a malformed answer, a CNAME loop or an unfinished chain is `error`;
//    a chain the answer leaves unfinished is followed by asking for its last name.
// Failed outcomes are not kept after they settle, so a later domain in a bulk run asks again.
import { performance } from 'node:perf_hooks';
import { AnswerCache, type AnswerCacheOptions } from './answer-cache.ts';
import { DnsError, type DnsAnswer, type DnsErrorCode, type DnsRecord, type DnsResolver, type RRType } from './types.ts';
import { formatServer, networkTransport, TransportError, type DnsTransport, type ExchangeResult, type NameServer } from './transport.ts';
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
  /** the run's deadline: once aborted, queries in flight end ECANCELLED and no new one is sent */
  signal?: AbortSignal;
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

const TRANSPORT_ERRORS: Record<TransportError['kind'], DnsErrorCode> = {
  timeout: 'ETIMEOUT', refused: 'ECONNREFUSED', network: 'ENETUNREACH', 'bad-response': 'EBADRESP', cancelled: 'ECANCELLED',
};

/** Failures that say nothing about the name, so a later server's answer replaces them in the report. */
const QUIET_ERRORS = new Set<DnsErrorCode>(['ETIMEOUT', 'ECONNREFUSED', 'ENETUNREACH', 'ECANCELLED']);

/** RFC 1034 section 3.6.2 leaves the chain length to implementations; resolvers give up around 8-16. */
const MAX_CNAME_CHAIN = 12;

export class StubResolver implements DnsResolver {
  readonly servers: NameServer[];
  private readonly timeoutMs: number;
  private readonly tries: number;
  private readonly transport: DnsTransport;
  private readonly log?: (entry: DnsLogEntry) => void;
  private readonly signal?: AbortSignal;
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
    this.signal = options.signal;
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
    let step = await this.askServers(name, type, started);
    if (step.dangling === null) return step.answer;
    // The answer's CNAME chain ended at a name whose data the answer does not hold, and no SOA
    // says that name has none (RFC 2308 section 2.2): the resolver stopped following the chain
    // (RFC 1034 section 3.6.2 makes following it the resolver's job). That is not NODATA, so
    // we ask for the chain's final target ourselves, as RFC 1034 section 5.3.3 step 3 has a
    // resolver do, a bounded number of times.
    const chain = [...step.answer.cnames];
    const seen = new Set([name, ...chain]);
    while (step.dangling !== null) {
      if (chain.length >= MAX_CNAME_CHAIN) {
        return this.chainError(name, type, started, step.answer, `CNAME chain longer than ${MAX_CNAME_CHAIN} names (${describeChain(name, chain)})`);
      }
      step = await this.askServers(step.dangling, type, started);
      if (step.answer.outcome === 'error') return { ...step.answer, name, cnames: chain };
      for (const target of step.answer.cnames) {
        chain.push(target);
        if (seen.has(target)) return this.chainError(name, type, started, step.answer, `CNAME loop (${describeChain(name, chain)})`);
        seen.add(target);
      }
    }
    return { ...step.answer, name, cnames: chain, ms: Math.round(performance.now() - started) };
  }

  private chainError(name: string, type: RRType, started: number, last: DnsAnswer, detail: string): DnsAnswer {
    const ms = Math.round(performance.now() - started);
    this.log?.({ name, type, outcome: 'error', rcode: last.rcode, error: 'EBADRESP', count: 0, ms, server: last.server, cached: false });
    return { ...answerBase(name, type), outcome: 'error', rcode: last.rcode, error: 'EBADRESP', errorDetail: detail, server: last.server, ms };
  }

  /**
   * One question to the servers, `tries` rounds. `dangling` is the name to ask next when the
   * answer is a CNAME chain that stops short of the data (see ask()).
   */
  private async askServers(name: string, type: RRType, started: number): Promise<{ answer: DnsAnswer; dangling: string | null }> {
    let lastError: { code: DnsErrorCode; detail: string; rcode: string | null; server: string } | null = null;
    for (let round = 0; round < this.tries && !this.signal?.aborted; round++) {
      for (const server of this.servers) {
        if (this.signal?.aborted) break;
        const serverText = formatServer(server);
        this.networkQueries++;
        let exchanged: ExchangeResult;
        try {
          exchanged = await this.transport.exchange(server, name, type, this.timeoutMs, this.signal);
        } catch (error) {
          // A transport rejects only with TransportError; anything else is a bug of a custom
          // transport, and still only this query's failure, never the run's.
          const failure = error instanceof TransportError ? error : new TransportError('network', error instanceof Error ? error.message : String(error));
          const code = TRANSPORT_ERRORS[failure.kind];
          // A server that answered (SERVFAIL, a malformed message) is more telling than a later one that could not be reached.
          if (!lastError || QUIET_ERRORS.has(lastError.code)) {
            lastError = { code, detail: `${failure.message} (${serverText})`, rcode: null, server: serverText };
          }
          continue;
        }
        const { response, protocol } = exchanged;
        const ms = Math.round(performance.now() - started);
        const rcodeError = RCODE_ERRORS[response.rcode];
        if (rcodeError) {
          // RFC 1035 4.1.1: SERVFAIL/REFUSED say nothing about the name; another server may answer.
          lastError = { code: rcodeError, detail: `${response.rcode} from ${serverText}`, rcode: response.rcode, server: serverText };
          continue;
        }
        if (response.malformed != null) {
          // What decoded is not all the server said: an empty answer here would read as
          // "no records" (NODATA) and turn into false failures. Another server may do better.
          lastError = { code: 'EBADRESP', detail: `malformed answer from ${serverText}: ${response.malformed}`, rcode: response.rcode, server: serverText };
          continue;
        }
        const selected = selectAnswer(name, type, response.answers);
        const { records, cnames } = selected;
        let answer: DnsAnswer;
        let dangling: string | null = null;
        if (selected.loop) {
          answer = { ...answerBase(name, type), outcome: 'error', rcode: response.rcode, error: 'EBADRESP', errorDetail: `CNAME loop (${describeChain(name, cnames)})`, cnames };
        } else if (response.rcode === 'NXDOMAIN') {
          // RFC 2308 section 2.1: with a CNAME chain, NXDOMAIN is about the chain's last name.
          answer = { ...answerBase(name, type), outcome: 'nxdomain', rcode: 'NXDOMAIN', error: 'ENOTFOUND', cnames };
        } else if (response.rcode === 'NOERROR') {
          answer = records.length > 0
            ? { ...answerBase(name, type), outcome: 'ok', rcode: 'NOERROR', error: null, records, cnames }
            : { ...answerBase(name, type), outcome: 'nodata', rcode: 'NOERROR', error: 'ENODATA', cnames };
          if (records.length === 0 && cnames.length > 0 && !provesNoData(selected.final, response.authoritySoa)) dangling = selected.final;
        } else {
          answer = { ...answerBase(name, type), outcome: 'error', rcode: response.rcode, error: 'EBADRESP', errorDetail: `unexpected RCODE ${response.rcode}` };
        }
        answer.authenticated = response.authenticated;
        answer.server = serverText;
        answer.ms = ms;
        this.log?.({ name, type, outcome: answer.outcome, rcode: answer.rcode, error: answer.error, count: records.length, ms, server: serverText, cached: false, protocol });
        return { answer, dangling };
      }
    }
    const ms = Math.round(performance.now() - started);
    const failure = lastError ?? { code: 'ECANCELLED' as const, detail: 'deadline reached before the query was sent', rcode: null, server: '-' };
    this.log?.({ name, type, outcome: 'error', rcode: failure.rcode, error: failure.code, count: 0, ms, server: failure.server, cached: false });
    return {
      answer: {
        ...answerBase(name, type), outcome: 'error', rcode: failure.rcode, error: failure.code,
        errorDetail: failure.detail, server: failure.server === '-' ? null : failure.server, ms,
      },
      dangling: null,
    };
  }
}

/** RFC 2308 section 2.2: a NODATA answer carries the SOA of the zone holding the name it is about. */
function provesNoData(final: string, soaOwners: readonly string[]): boolean {
  return soaOwners.some((owner) => owner === '' || final === owner || final.endsWith(`.${owner}`));
}

function describeChain(name: string, chain: readonly string[]): string {
  const shown = [name, ...chain];
  return shown.length > 6 ? `${shown.slice(0, 3).join(' -> ')} -> ... -> ${shown.slice(-2).join(' -> ')}` : shown.join(' -> ');
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
