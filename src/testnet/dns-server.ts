// The fixture DNS server: UDP and TCP on one loopback port, answering from fixture zones.
// Used by tests and by `smtp-audit demo`. Besides records it can misbehave on purpose for
// chosen names (SERVFAIL, REFUSED, forced NXDOMAIN, no answer at all, a fixed delay, the AD
// flag), so every DNS outcome a collector must handle can be produced on loopback.
// Long TXT strings are split into 255-octet character-strings (RFC 1035 3.3.14), and UDP
// answers over the client's EDNS size come back truncated (TC) so the client retries on TCP.
import { createServer, Packet } from 'dns2';
import type { ZoneRecord } from '../parse/zone-file.ts';
import { ZoneStore } from './zone-store.ts';

export type FixtureBehaviour =
  | { kind: 'servfail' } | { kind: 'refused' } | { kind: 'nxdomain' } | { kind: 'timeout' }
  | { kind: 'delay'; ms: number } | { kind: 'authenticated' };

export interface BehaviourRule {
  /** exact name, or `*.suffix` for every name below suffix */
  name: string;
  /** limit to one query type; all types when absent */
  type?: string;
  behaviour: FixtureBehaviour;
}

export interface QueryLogEntry { name: string; type: string; at: number }

export interface FixtureDnsOptions {
  records: ZoneRecord[];
  rules?: BehaviourRule[];
  /** fixed delay added to every answer, ms */
  delayMs?: number;
  host?: string;
  port?: number;
}

const TYPE_CODE: Record<string, number> = {
  A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, TLSA: 52, SPF: 99, CAA: 257,
};
const TYPE_NAME = new Map(Object.entries(TYPE_CODE).map(([k, v]) => [v, k]));

/** RFC 1035 3.3.14: a character-string is at most 255 octets; split longer ones. */
export function splitCharacterStrings(strings: string[]): Buffer[] {
  const out: Buffer[] = [];
  for (const text of strings) {
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length === 0) out.push(bytes);
    for (let i = 0; i < bytes.length; i += 255) out.push(bytes.subarray(i, i + 255));
  }
  return out;
}

/** Zone-file names keep \DDD and \X escapes (RFC 1035 5.1); the wire carries the raw octets. */
export function unescapeName(name: string): string {
  return name.replace(/\\(\d{3}|.)/g, (_, e: string) => (e.length === 3 ? String.fromCharCode(Number(e)) : e));
}

function toResource(record: ZoneRecord): Record<string, unknown> | undefined {
  const base = { name: unescapeName(record.name), type: TYPE_CODE[record.type], class: 1, ttl: record.ttl };
  switch (record.type) {
    case 'A': case 'AAAA': return { ...base, address: record.address };
    case 'MX': return { ...base, priority: record.data.priority, exchange: unescapeName(record.data.exchange) };
    case 'TXT': case 'SPF': return { ...base, data: splitCharacterStrings(record.strings) };
    case 'CNAME': case 'PTR': return { ...base, domain: unescapeName(record.target) };
    case 'NS': return { ...base, ns: record.target };
    case 'SOA': return {
      ...base, primary: record.data.mname, admin: record.data.rname, serial: record.data.serial,
      refresh: record.data.refresh, retry: record.data.retry, expiration: record.data.expire, minimum: record.data.minimum,
    };
    case 'CAA': return { ...base, flags: record.data.flags, tag: record.data.tag, value: record.data.value };
    case 'SRV': return { ...base, priority: record.data.priority, weight: record.data.weight, port: record.data.port, target: record.data.target };
    case 'TLSA': return {
      ...base,
      data: Buffer.concat([Buffer.from([record.data.usage, record.data.selector, record.data.matchingType]), Buffer.from(record.data.data, 'hex')]),
    };
  }
}

function ruleMatches(rule: BehaviourRule, name: string, type: string): boolean {
  if (rule.type && rule.type !== type) return false;
  const pattern = rule.name.toLowerCase();
  if (pattern.startsWith('*.')) return name.endsWith(pattern.slice(1)) || name === pattern.slice(2);
  return name === pattern;
}

export class FixtureDnsServer {
  readonly store: ZoneStore;
  readonly rules: BehaviourRule[];
  readonly queries: QueryLogEntry[] = [];
  private readonly options: FixtureDnsOptions;
  private server: ReturnType<typeof createServer> | null = null;
  host = '127.0.0.1';
  port = 0;

  constructor(options: FixtureDnsOptions) {
    this.options = options;
    this.store = new ZoneStore(options.records);
    this.rules = [...(options.rules ?? [])];
  }

  /** ip:port to give to --resolver */
  get address(): string {
    return this.host.includes(':') ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
  }

  queriesFor(name: string, type?: string): QueryLogEntry[] {
    const n = name.toLowerCase();
    return this.queries.filter((q) => q.name === n && (!type || q.type === type));
  }

  async start(): Promise<this> {
    this.host = this.options.host ?? '127.0.0.1';
    // UDP and TCP must share one port (a resolver retries a truncated answer on TCP at the
    // same address), so bind UDP first on an ephemeral port and retry if TCP cannot follow.
    for (let attempt = 0; attempt < 20; attempt++) {
      const server = createServer({ udp: this.host.includes(':') ? { type: 'udp6' } : true, tcp: true, handle: (request: unknown, send: (r: unknown) => void) => this.handle(request, send) } as never);
      const errors: Error[] = [];
      server.on('error', (error: Error) => errors.push(error));
      try {
        const udp = (server as unknown as { servers: { udp: { bind: Function; address(): { port: number }; once: Function } } }).servers.udp;
        await new Promise<void>((resolve, reject) => {
          udp.once('error', reject);
          udp.bind(this.options.port ?? 0, this.host, () => resolve());
        });
        const port = udp.address().port;
        const tcp = (server as unknown as { servers: { tcp: { listen: Function; once: Function } } }).servers.tcp;
        await new Promise<void>((resolve, reject) => {
          tcp.once('error', reject);
          tcp.listen(port, this.host, () => resolve());
        });
        this.server = server;
        this.port = port;
        return this;
      } catch (error) {
        try { server.close(); } catch { /* half-open: ignore */ }
        if (this.options.port) throw error;
      }
    }
    throw new Error('could not bind the fixture DNS server to a UDP+TCP port pair');
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await Promise.race([server.close(), new Promise((r) => setTimeout(r, 500))]);
  }

  private handle(request: unknown, send: (response: unknown) => void): void {
    const req = request as { header: { id: number }; questions: Array<{ name: string; type: number }> };
    const response = Packet.createResponseFromRequest(request as never) as unknown as {
      header: { rcode: number; ra: number; aa: number; ad: number };
      answers: unknown[];
      additionals: unknown[];
    };
    response.header.ra = 1;
    const question = req.questions[0];
    if (!question) {
      response.header.rcode = 1; // FORMERR
      send(response);
      return;
    }
    const name = question.name.toLowerCase().replace(/\.$/, '');
    const type = TYPE_NAME.get(question.type) ?? `TYPE${question.type}`;
    this.queries.push({ name, type, at: Date.now() });
    let delay = this.options.delayMs ?? 0;
    for (const rule of this.rules.filter((r) => ruleMatches(r, name, type))) {
      switch (rule.behaviour.kind) {
        case 'timeout': return; // never answer
        case 'servfail': response.header.rcode = 2; break;
        case 'refused': response.header.rcode = 5; break;
        case 'nxdomain': response.header.rcode = 3; break;
        case 'delay': delay += rule.behaviour.ms; break;
        case 'authenticated': response.header.ad = 1; break;
      }
    }
    if (response.header.rcode === 0) {
      const found = this.store.lookup(name, type);
      response.header.rcode = found.rcode === 'NXDOMAIN' ? 3 : 0;
      response.answers.push(...found.answers.map(toResource));
    }
    const reply = () => { Promise.resolve().then(() => send(response)).catch(() => { /* client gone */ }); };
    if (delay > 0) setTimeout(reply, delay); else reply();
  }
}
