// Validating the audit flags into settings. Every problem is a UsageError (exit 2) raised
// before any query is sent, so a bad flag never leaves a half-written report.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { ALL_CHECKS } from '../checks/index.ts';
import type { AuditOptions } from '../core/context.ts';
import { FAIL_ON_VALUES, type FailOn } from '../core/exit-code.ts';
import type { FactSlots } from '../core/facts.ts';
import { selectChecks, SelectionError, splitList } from '../core/selection.ts';
import { parseConnectTo } from '../net/dial.ts';
import { parseResolverSpec } from '../net/dns/servers.ts';
import { CONTRACT_FORMATS, REPORTERS } from '../report/index.ts';
import { assertWritable } from './io.ts';
import { UsageError } from './usage-error.ts';

export interface RawAuditFlags {
  resolver?: string[];
  format?: string;
  output?: string;
  failOn?: string;
  only?: string[];
  skip?: string[];
  selector?: string[];
  ip?: string[];
  smtp?: boolean;
  relay?: boolean;
  port?: string;
  timeout?: string;
  greetingTimeout?: string;
  ehlo?: string;
  input?: string;
  concurrency?: string;
  color?: boolean;
  verbose?: boolean;
  connectTo?: string[];
  saveFacts?: string;
  facts?: string;
}

export interface SavedFacts {
  schemaVersion: 1;
  tool: { name: 'smtp-audit'; version: string };
  savedAt: string;
  audits: Array<{ target: string; facts: FactSlots }>;
}

export interface AuditSettings {
  resolvers: string[];
  format: string;
  output: string | null;
  failOn: FailOn;
  only: string[];
  skip: string[];
  options: Partial<AuditOptions>;
  timeoutMs: number;
  concurrency: number;
  color: boolean;
  verbose: boolean;
  connectTo: string[];
  saveFacts: string | null;
  replay: SavedFacts | null;
}

function integer(value: string | undefined, flag: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`${flag} must be a whole number, not "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`${flag} must be between ${min} and ${max}, not ${n}`);
  return n;
}

function loadSavedFacts(file: string): SavedFacts {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read --facts ${file}: ${code ?? 'not valid JSON'}`);
  }
  const saved = data as SavedFacts;
  if (!saved || saved.schemaVersion !== 1 || !Array.isArray(saved.audits)) {
    throw new UsageError(`--facts ${file} is not a smtp-audit facts file (schemaVersion 1 with "audits")`);
  }
  return saved;
}

export function parseAuditFlags(flags: RawAuditFlags): AuditSettings {
  const format = (flags.format ?? 'table').toLowerCase();
  if (!REPORTERS.has(format)) {
    if ((CONTRACT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format ${format} is not available in this version`);
    throw new UsageError(`unknown --format "${flags.format}" (use ${[...REPORTERS.keys()].join(', ')})`);
  }
  const failOn = (flags.failOn ?? 'fail').toLowerCase() as FailOn;
  if (!FAIL_ON_VALUES.includes(failOn)) throw new UsageError(`--fail-on must be one of ${FAIL_ON_VALUES.join(', ')}, not "${flags.failOn}"`);
  const only = splitList(flags.only);
  const skip = splitList(flags.skip);
  try {
    selectChecks(ALL_CHECKS, { only, skip });
  } catch (error) {
    if (error instanceof SelectionError) throw new UsageError(error.message);
    throw error;
  }
  const resolvers = flags.resolver ?? [];
  for (const spec of resolvers) {
    try { parseResolverSpec(spec); } catch (error) { throw new UsageError((error as Error).message); }
  }
  const connectTo = flags.connectTo ?? [];
  for (const spec of connectTo) {
    try { parseConnectTo(spec); } catch (error) { throw new UsageError((error as Error).message); }
  }
  const ips = flags.ip ?? [];
  for (const ip of ips) if (!net.isIP(ip)) throw new UsageError(`--ip "${ip}" is not an IP address`);
  const selectors = (flags.selector ?? []).flatMap((s) => s.split(',')).map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const s of selectors) if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(s)) throw new UsageError(`--selector "${s}" is not a valid DKIM selector`);
  const timeoutMs = integer(flags.timeout, '--timeout', 100, 600000, 5000);
  const greetingTimeoutMs = integer(flags.greetingTimeout, '--greeting-timeout', 100, 600000, Math.max(30000, timeoutMs));
  const port = integer(flags.port, '--port', 1, 65535, 25);
  const concurrency = integer(flags.concurrency, '--concurrency', 1, 256, 8);
  const ehlo = flags.ehlo?.trim();
  if (ehlo !== undefined && !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[[0-9a-fA-F:.]+\]$/.test(ehlo)) {
    throw new UsageError(`--ehlo "${flags.ehlo}" is not a host name or address literal`);
  }
  if (flags.facts && resolvers.length > 0) throw new UsageError('--facts replays saved facts without any DNS query; it cannot be combined with --resolver');
  if (flags.facts && flags.saveFacts) throw new UsageError('--facts and --save-facts cannot be combined (the facts are already saved)');
  if (flags.output) assertWritable(flags.output);
  if (flags.saveFacts) assertWritable(flags.saveFacts);
  const replay = flags.facts ? loadSavedFacts(flags.facts) : null;
  const options: Partial<AuditOptions> = {
    port, timeoutMs, greetingTimeoutMs, selectors, ips,
    smtp: flags.smtp !== false,
    relay: flags.relay !== false,
  };
  if (ehlo) options.ehloName = ehlo;
  return {
    resolvers, format, output: flags.output ?? null, failOn, only, skip, options, timeoutMs, concurrency,
    color: flags.color !== false, verbose: flags.verbose === true, connectTo,
    saveFacts: flags.saveFacts ?? null, replay,
  };
}
