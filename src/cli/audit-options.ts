// Validating the audit flags into settings. Every problem is a UsageError (exit 2) raised
// before any query is sent, so a bad flag never leaves a half-written report.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { ALL_CHECKS } from '../checks/index.ts';
import type { AuditOptions } from '../core/context.ts';
import { FAIL_ON_VALUES, type FailOn } from '../core/exit-code.ts';
import type { FactSlots } from '../core/facts.ts';
import { parseTarget, TargetError } from '../core/target.ts';
import { selectChecks, SelectionError, splitList } from '../core/selection.ts';
import { loadShippedBlocklists, parseDnsblOption } from '../dnsbl/dnsbl-list.ts';
import { classifyAddress } from '../net/address-class.ts';
import { parseConnectTo } from '../net/dial.ts';
import { defaultEhloName } from '../probe/ehlo-name.ts';
import { DEFAULT_RELAY_FROM, DEFAULT_RELAY_TO, isPlainAddress } from '../probe/relay-forms.ts';
import { parseResolverSpec } from '../net/dns/servers.ts';
import { assertDistinctOrigins, readZoneFile, type OverlayZone } from '../net/dns/zone-overlay.ts';
import { IgnoreCodeError, parseIgnoreCode } from '../report/ignore.ts';
import { CONTRACT_FORMATS, REPORTERS } from '../report/index.ts';
import { FormatSpecError, planOutputs, type OutputSpec } from '../report/multi-format.ts';
import { assertWritable } from './io.ts';
import { parseJsonQuietly } from './json-syntax.ts';
import { parseShard, type Shard } from './shard.ts';
import { UsageError } from './usage-error.ts';

export interface RawAuditFlags {
  resolver?: string[];
  /** fmt or fmt:file, repeatable */
  format?: string | string[];
  output?: string;
  failOn?: string;
  only?: string[];
  skip?: string[];
  selector?: string[];
  ip?: string[];
  /** --dnsbl zone[:ip|domain], repeatable */
  dnsbl?: string[];
  /** false: --no-default-dnsbls */
  defaultDnsbls?: boolean;
  smtp?: boolean;
  relay?: boolean;
  port?: string;
  timeout?: string;
  /** --deadline: the whole run's time budget (ms, or with a unit: 1500ms, 90s, 5m) */
  deadline?: string;
  greetingTimeout?: string;
  ehlo?: string;
  /** probe connections open at once over the whole run */
  smtpConcurrency?: string;
  /** -4 / -6 */
  ipv4Only?: boolean;
  ipv6Only?: boolean;
  relayFrom?: string;
  relayTo?: string;
  /** PEM files of extra trusted CAs, repeatable */
  caFile?: string[];
  input?: string;
  concurrency?: string;
  color?: boolean;
  verbose?: boolean;
  connectTo?: string[];
  sourceAddress?: string;
  saveFacts?: string;
  facts?: string;
  /** finding codes whose findings do not count */
  ignore?: string[];
  /** --zone <file> or <origin>=<file>, repeatable */
  zone?: string[];
  /** the config file the `zone` list came from: its zone errors then quote no file text */
  zonesFromConfig?: string;
  /** --config <file>; false: --no-config */
  config?: string | boolean;
  /** --shard K/N: only the targets of shard K of N */
  shard?: string;
}

export interface SavedFacts {
  schemaVersion: 1;
  tool: { name: 'smtp-audit'; version: string };
  savedAt: string;
  audits: Array<{ target: string; facts: FactSlots }>;
}

export interface AuditSettings {
  resolvers: string[];
  /** the first output's format */
  format: string;
  /** the first output's file (null: stdout) */
  output: string | null;
  /** every --format fmt[:file], with --output applied */
  outputs: OutputSpec[];
  /** finding codes to ignore, validated */
  ignore: string[];
  /** parsed --zone files */
  zones: OverlayZone[];
  /** things worth saying on stderr that are not errors (out-of-zone data ignored) */
  warnings: string[];
  failOn: FailOn;
  only: string[];
  skip: string[];
  options: Partial<AuditOptions>;
  timeoutMs: number;
  /** --deadline in ms, or null */
  deadlineMs: number | null;
  concurrency: number;
  color: boolean;
  verbose: boolean;
  connectTo: string[];
  /** --source-address: where outgoing connections start from; null: the system's choice */
  sourceAddress: string | null;
  saveFacts: string | null;
  replay: SavedFacts | null;
  /** --shard K/N, or null: every target */
  shard: Shard | null;
}

function integer(value: string | undefined, flag: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`${flag} must be a whole number, not "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`${flag} must be between ${min} and ${max}, not ${n}`);
  return n;
}

/** --deadline: a whole number of ms, or with a unit: 1500ms, 90s, 5m (100 ms to 24 hours). */
export function parseDuration(value: string, flag: string): number {
  const match = /^\s*(\d+)\s*(ms|s|m)?\s*$/i.exec(value);
  if (!match) throw new UsageError(`${flag} must be a duration such as 90s, 5m or 1500ms, not "${value}"`);
  const unit = (match[2] ?? 'ms').toLowerCase();
  const ms = Number(match[1]) * (unit === 'm' ? 60000 : unit === 's' ? 1000 : 1);
  if (ms < 100 || ms > 86_400_000) throw new UsageError(`${flag} must be between 100ms and 24 hours (1440m), not "${value}"`);
  return ms;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * A --facts file, checked whole before anything runs: every entry needs a target (a string that
 * parses as one) and a `facts` object of slots ({ok: true, value} or {ok: false, error}). An
 * entry without facts is refused rather than audited live: --facts promises no network.
 */
function loadSavedFacts(file: string): SavedFacts {
  let data: unknown;
  try {
    data = parseJsonQuietly(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read --facts ${file}: ${code ?? `not valid JSON (${(error as Error).message})`}`);
  }
  if (!isObject(data) || data.schemaVersion !== 1 || !Array.isArray(data.audits)) {
    throw new UsageError(`--facts ${file} is not a smtp-audit facts file (schemaVersion 1 with "audits")`);
  }
  data.audits.forEach((entry: unknown, index: number) => {
    const where = `--facts ${file}: audits[${index}]`;
    if (!isObject(entry)) throw new UsageError(`${where} must be an object with "target" and "facts"`);
    if (typeof entry.target !== 'string' || entry.target.trim() === '') throw new UsageError(`${where}: "target" must be a domain name or IP address (a non-empty string)`);
    try {
      parseTarget(entry.target);
    } catch (error) {
      if (error instanceof TargetError) throw new UsageError(`${where}: "target": ${error.message}`);
      throw error;
    }
    if (!isObject(entry.facts)) throw new UsageError(`${where} (${entry.target}) has no "facts" object: --facts audits saved facts only, never live`);
    for (const [key, slot] of Object.entries(entry.facts)) {
      const valid = isObject(slot) && (slot.ok === true ? 'value' in slot : slot.ok === false && typeof slot.error === 'string');
      if (!valid) throw new UsageError(`${where} (${entry.target}): facts "${key}" must be {"ok": true, "value": ...} or {"ok": false, "error": "..."}`);
    }
  });
  return data as unknown as SavedFacts;
}

/**
 * A zone-file error without the file's text: a file a config file names may hold anything (the
 * config could be a pull request's), so its bytes stay out of the terminal and the CI log. The
 * parser quotes what it read in '...' or "..."; those parts are cut, the file, line and rule stay.
 */
function withoutQuotedText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cut = message.split('\n')[0]!.replace(/'[^']*'|"[^"]*"/g, '(text not shown)');
  // an unbalanced quote left: whatever follows it could be the file's text
  const stray = cut.search(/['"]/);
  return (stray === -1 ? cut : `${cut.slice(0, stray)}(text not shown)`).slice(0, 300);
}

/** A PEM file of CA certificates for --ca-file; anything else is a usage error. */
function readCaFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --ca-file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (!/-----BEGIN CERTIFICATE-----/.test(text)) throw new UsageError(`--ca-file ${file} holds no PEM certificate`);
  return text;
}

/**
 * Why an --ip value cannot be a sending address, or null. It must be an IP address (an IPv6 zone
 * index means nothing to SPF or a blocklist), and one a TCP connection can come from: not
 * multicast, broadcast or unspecified (IANA special-purpose registries, src/net/address-class.ts).
 * Private and documentation addresses are accepted: SPF is evaluated for them all the same.
 */
function ipOptionProblem(ip: string): string | null {
  const zone = ip.indexOf('%');
  if (zone !== -1 && net.isIPv6(ip)) return `--ip "${ip}" has a zone index ("${ip.slice(zone)}"); give the address alone`;
  const cls = classifyAddress(ip);
  if (cls === null) return `--ip "${ip}" is not an IP address`;
  if (cls.scope === 'non-unicast') return `--ip ${ip} is ${cls.description}, which cannot be the source of an SMTP connection`;
  return null;
}

export function parseAuditFlags(flags: RawAuditFlags): AuditSettings {
  const specs = flags.format === undefined ? [] : Array.isArray(flags.format) ? flags.format : [flags.format];
  let outputs: OutputSpec[];
  try {
    outputs = planOutputs(specs, flags.output ?? null, REPORTERS, CONTRACT_FORMATS);
  } catch (error) {
    if (error instanceof FormatSpecError) throw new UsageError(error.message);
    throw error;
  }
  const ignore = (flags.ignore ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean).map((code) => {
    try { return parseIgnoreCode(code); } catch (error) {
      if (error instanceof IgnoreCodeError) throw new UsageError(`--ignore ${error.message}`);
      throw error;
    }
  });
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
  const sourceAddress = flags.sourceAddress?.trim() || null;
  if (sourceAddress !== null && net.isIP(sourceAddress) === 0) throw new UsageError(`--source-address "${sourceAddress}" is not an IP address`);
  const ips = flags.ip ?? [];
  for (const ip of ips) {
    const problem = ipOptionProblem(ip);
    if (problem) throw new UsageError(problem);
  }
  const dnsbls = flags.dnsbl ?? [];
  const shippedDnsbls = dnsbls.length > 0 ? loadShippedBlocklists() : [];
  for (const spec of dnsbls) {
    let list;
    try { list = parseDnsblOption(spec, shippedDnsbls); } catch (error) { throw new UsageError((error as Error).message); }
    if (list.requiresKey) {
      throw new UsageError(`--dnsbl ${spec}: ${list.name} answers only as <key>.${list.zone} with a subscriber key; name that zone instead (--dnsbl <key>.${list.zone})`);
    }
  }
  const selectors = (flags.selector ?? []).flatMap((s) => s.split(',')).map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const s of selectors) if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(s)) throw new UsageError(`--selector "${s}" is not a valid DKIM selector`);
  const timeoutMs = integer(flags.timeout, '--timeout', 100, 600000, 5000);
  const deadlineMs = flags.deadline === undefined ? null : parseDuration(flags.deadline, '--deadline');
  const greetingTimeoutMs = integer(flags.greetingTimeout, '--greeting-timeout', 100, 600000, Math.max(30000, timeoutMs));
  const port = integer(flags.port, '--port', 1, 65535, 25);
  const concurrency = integer(flags.concurrency, '--concurrency', 1, 256, 8);
  const ehlo = flags.ehlo?.trim();
  if (ehlo !== undefined && !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[[0-9a-fA-F:.]+\]$/.test(ehlo)) {
    throw new UsageError(`--ehlo "${flags.ehlo}" is not a host name or address literal`);
  }
  const smtpConcurrency = integer(flags.smtpConcurrency, '--smtp-concurrency', 1, 256, 8);
  if (flags.ipv4Only && flags.ipv6Only) throw new UsageError('--ipv4-only and --ipv6-only cannot be combined (leave both out to probe both families)');
  const probeFamilies: Array<4 | 6> = flags.ipv4Only ? [4] : flags.ipv6Only ? [6] : [4, 6];
  const relayFrom = flags.relayFrom?.trim() ?? DEFAULT_RELAY_FROM;
  const relayTo = flags.relayTo?.trim() ?? DEFAULT_RELAY_TO;
  for (const [flag, address] of [['--relay-from', relayFrom], ['--relay-to', relayTo]] as const) {
    if (!isPlainAddress(address)) throw new UsageError(`${flag} "${address}" must be a plain address like relay-test@example.net`);
  }
  const caCertificates = (flags.caFile ?? []).map(readCaFile);
  if (flags.facts && resolvers.length > 0) throw new UsageError('--facts replays saved facts without any DNS query; it cannot be combined with --resolver');
  if (flags.facts && flags.saveFacts) throw new UsageError('--facts and --save-facts cannot be combined (the facts are already saved)');
  for (const o of outputs) if (o.file !== null) assertWritable(o.file, flags.output !== undefined && o.file === flags.output ? '--output' : `--format ${o.format}:`);
  if (flags.facts && (flags.zone ?? []).length > 0) throw new UsageError('--facts replays saved facts without any DNS query; it cannot be combined with --zone');
  const zones: OverlayZone[] = [];
  const warnings: string[] = [];
  for (const spec of flags.zone ?? []) {
    let zone: OverlayZone;
    try {
      zone = readZoneFile(spec);
    } catch (error) {
      if (flags.zonesFromConfig) throw new UsageError(`${flags.zonesFromConfig}: "zones": ${withoutQuotedText(error)}`);
      throw new UsageError(`--zone ${(error as Error).message}`);
    }
    if (zone.ignoredOwners.length > 0) {
      warnings.push(`zone file ${zone.file}: ignoring records outside its origin ${zone.origin || '.'}: ${zone.ignoredOwners.slice(0, 5).join(', ')}${zone.ignoredOwners.length > 5 ? ', ...' : ''}`);
    }
    zones.push(zone);
  }
  try { assertDistinctOrigins(zones); } catch (error) { throw new UsageError((error as Error).message); }
  if (flags.saveFacts) {
    assertWritable(flags.saveFacts, '--save-facts');
    if (flags.saveFacts === '-' && outputs.some((o) => o.file === null)) {
      throw new UsageError(`--save-facts - and the ${outputs.find((o) => o.file === null)!.format} report cannot both go to stdout (write one of them to a file)`);
    }
  }
  const replay = flags.facts ? loadSavedFacts(flags.facts) : null;
  const options: Partial<AuditOptions> = {
    port, timeoutMs, greetingTimeoutMs, selectors, ips,
    smtp: flags.smtp !== false,
    relay: flags.relay !== false,
    smtpConcurrency, probeFamilies, relayFrom, relayTo, caCertificates,
    // RFC 5321 4.1.1.1 wants our FQDN: the machine's name when it is one (src/probe/ehlo-name.ts)
    ehloName: ehlo || defaultEhloName(),
  };
  // set only when given, so a config file's "dnsbls"/"defaultDnsbls" apply where the command line is silent
  if (dnsbls.length > 0) options.dnsbls = dnsbls;
  if (flags.defaultDnsbls === false) options.defaultDnsbls = false;
  return {
    resolvers, format: outputs[0]!.format, output: outputs[0]!.file, outputs, ignore, zones, warnings,
    failOn, only, skip, options, timeoutMs, deadlineMs, concurrency,
    color: flags.color !== false, verbose: flags.verbose === true, connectTo, sourceAddress,
    saveFacts: flags.saveFacts ?? null, replay,
    shard: flags.shard === undefined ? null : parseShard(flags.shard),
  };
}
