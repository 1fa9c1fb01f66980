// The DNS seam's vocabulary. Every collector, check and mailauth itself sees DNS through
// one DnsResolver; tests swap in a resolver built from plain zone data.

export type RRType =
  | 'A' | 'AAAA' | 'MX' | 'TXT' | 'CNAME' | 'PTR' | 'NS' | 'SOA' | 'TLSA' | 'CAA' | 'SRV' | 'SPF';

/** Error codes of the node:dns/promises contract (and c-ares), so mailauth understands them. */
export type DnsErrorCode =
  | 'ENOTFOUND'   // NXDOMAIN
  | 'ENODATA'     // NOERROR with no record of the asked type (NODATA)
  | 'ETIMEOUT'    // no answer from any server within the time budget
  | 'ESERVFAIL'   // SERVFAIL
  | 'EREFUSED'    // REFUSED
  | 'ECONNREFUSED'// the server's port is closed (ICMP or TCP reset)
  | 'ENETUNREACH' // the server could not be reached at all: no route, network down, socket failure
  | 'ECANCELLED'  // the run's deadline ended the query before an answer came
  | 'EBADRESP'    // malformed or mismatched response, or an unusable CNAME chain
  | 'EBADNAME'    // the name cannot be put on the wire (empty or over-long label)
  | 'ENOTIMP'     // NOTIMP
  | 'EFORMERR';   // FORMERR

export class DnsError extends Error {
  readonly code: DnsErrorCode;
  readonly hostname: string;
  readonly rrtype: RRType;
  constructor(code: DnsErrorCode, hostname: string, rrtype: RRType, detail?: string) {
    super(`${rrtype} ${hostname}: ${code}${detail ? ` (${detail})` : ''}`);
    this.name = 'DnsError';
    this.code = code;
    this.hostname = hostname;
    this.rrtype = rrtype;
  }
}

export interface MxData { priority: number; exchange: string }
export interface TlsaData { usage: number; selector: number; matchingType: number; data: string /* lowercase hex */ }
export interface SoaData { mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number }
export interface CaaData { flags: number; tag: string; value: string }
export interface SrvData { priority: number; weight: number; port: number; target: string }

/** One record of the asked type, as decoded from the answer section. */
export type DnsRecord =
  | { type: 'A' | 'AAAA'; name: string; ttl: number; address: string }
  | { type: 'MX'; name: string; ttl: number; data: MxData }
  | { type: 'TXT' | 'SPF'; name: string; ttl: number; strings: string[] }
  | { type: 'CNAME' | 'PTR' | 'NS'; name: string; ttl: number; target: string }
  | { type: 'TLSA'; name: string; ttl: number; data: TlsaData }
  | { type: 'SOA'; name: string; ttl: number; data: SoaData }
  | { type: 'CAA'; name: string; ttl: number; data: CaaData }
  | { type: 'SRV'; name: string; ttl: number; data: SrvData };

export type DnsRcode = 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED' | string;

/**
 * The full outcome of one question. `query()` never throws for DNS-level outcomes: NXDOMAIN,
 * NODATA, SERVFAIL and timeouts are all values here, so collectors can keep them as facts.
 */
export interface DnsAnswer {
  name: string;          // the name asked, lowercase, no trailing dot
  type: RRType;
  /** ok: records of the type exist; nxdomain: the name does not exist; nodata: it exists without that type; error: could not tell */
  outcome: 'ok' | 'nxdomain' | 'nodata' | 'error';
  rcode: DnsRcode | null;          // null when no response arrived
  error: DnsErrorCode | null;      // set when outcome is nxdomain/nodata/error (ENOTFOUND/ENODATA/...)
  errorDetail?: string;
  records: DnsRecord[];            // records of the asked type (after following CNAMEs in the answer)
  cnames: string[];                // CNAME chain seen in the answer, in order (targets)
  authenticated: boolean;          // AD flag of the response (RFC 4035 3.2.3); only meaningful from a validating resolver
  server: string | null;           // ip:port that gave the answer
  ms: number;
  fromCache: boolean;
  /** set when the answer came from a `--zone` file instead of DNS (src/net/dns/zone-overlay.ts) */
  source?: 'zone-file';
}

export interface DnsResolver {
  /** Ask one question; resolves with the outcome (never rejects for NXDOMAIN/NODATA/timeout/SERVFAIL). */
  query(name: string, type: RRType): Promise<DnsAnswer>;
  /**
   * node:dns/promises-compatible `resolve(name, type)`: resolves with Node's shapes
   * (A/AAAA string[], MX {exchange, priority}[], TXT string[][], PTR/CNAME/NS string[],
   * TLSA TlsaData[], SOA object) and rejects with a DnsError carrying ENOTFOUND, ENODATA,
   * ETIMEOUT, ESERVFAIL... This is the function handed to mailauth.
   */
  resolve(name: string, type: RRType): Promise<unknown>;
}
