// The audit config file, so a repository can keep its audit settings next to its code:
// `smtp-audit.config.json` (or `.smtp-auditrc.json`), found in the working directory or the
// nearest folder above it, or named with --config <file>; --no-config ignores it. Flags given
// on the command line win over the file, key by key (a list on the command line replaces the
// file's list). Every problem names the file and the key, and exits 2 like any usage error.
//
//   {
//     "domains": ["example.com"],          targets when none are given on the command line
//     "selectors": ["s1", "google"],       --selector
//     "ignore": ["ptr/present.missing"],   --ignore
//     "failOn": "warn",                    --fail-on
//     "only": ["mx", "spf"],               --only
//     "skip": ["relay"],                   --skip
//     "resolvers": ["192.0.2.53"],         --resolver
//     "dnsbls": ["zen.spamhaus.org"],      extra blocklists (zone[:ip|domain])
//     "defaultDnsbls": true,               keep the shipped blocklists
//     "zones": ["dns/example.com.zone"],   --zone, relative to the config file's folder
//     "ips": ["192.0.2.25"],               --ip
//     "caFiles": ["certs/corp-ca.pem"],    --ca-file, relative to the config file's folder
//     "smtp": true, "relay": true,         false: --no-smtp, --no-relay
//     "port": 25, "timeout": 5000, "greetingTimeout": 30000, "smtpConcurrency": 8,
//     "ehlo": "audit.example.com", "relayFrom": "a@example.net", "relayTo": "b@example.org",
//     "ipFamily": 4,                       4: --ipv4-only, 6: --ipv6-only
//     "deadline": "10m"                    --deadline (ms as a number, or "90s", "5m", "1500ms")
//   }
//
// A config file is found automatically, so whoever can add one to a repository (a pull request)
// chooses what the audit reads. Two rules keep it from printing files it should not:
// - every path in it (zones, caFiles) must lie in the config file's folder or below, after
//   symbolic links are resolved; anything else ("/proc/self/environ", "../../.ssh/id_rsa") is
//   refused with one line naming the key;
// - no error about the config file, or a file it names, quotes that file's text: a JSON error
//   gives the line, the column and the rule; a zone file named here that does not parse gives
//   its line and the rule with the quoted text left out.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { ALL_CHECKS } from '../checks/index.ts';
import { FAIL_ON_VALUES, type FailOn } from '../core/exit-code.ts';
import { selectChecks } from '../core/selection.ts';
import { parseTarget } from '../core/target.ts';
import { parseDnsblOption } from '../dnsbl/dnsbl-list.ts';
import { parseResolverSpec } from '../net/dns/servers.ts';
import { parseIgnoreCode } from '../report/ignore.ts';
import { parseDuration, type RawAuditFlags } from './audit-options.ts';
import { parseJsonQuietly } from './json-syntax.ts';
import { UsageError } from './usage-error.ts';

export const CONFIG_FILE_NAMES = ['smtp-audit.config.json', '.smtp-auditrc.json'] as const;

export interface AuditConfig {
  /** the file it was read from */
  file: string;
  domains?: string[];
  selectors?: string[];
  ignore?: string[];
  failOn?: FailOn;
  only?: string[];
  skip?: string[];
  resolvers?: string[];
  dnsbls?: string[];
  defaultDnsbls?: boolean;
  /** --zone specs, paths resolved against the config file's folder (and confined to it) */
  zones?: string[];
  ips?: string[];
  /** --ca-file paths, resolved against the config file's folder */
  caFiles?: string[];
  smtp?: boolean;
  relay?: boolean;
  port?: number;
  timeout?: number;
  greetingTimeout?: number;
  smtpConcurrency?: number;
  ehlo?: string;
  relayFrom?: string;
  relayTo?: string;
  ipFamily?: 4 | 6;
  /** --deadline, as the flag takes it ("90s", "5m", "1500ms") */
  deadline?: string;
}

/** Whole-number settings and their ranges (the same as the flags'). */
const NUMBER_KEYS = { port: [1, 65535], timeout: [100, 600000], greetingTimeout: [100, 600000], smtpConcurrency: [1, 256] } as const;
const STRING_KEYS = ['ehlo', 'relayFrom', 'relayTo'] as const;
const BOOLEAN_KEYS = ['smtp', 'relay'] as const;

type ListKey = 'domains' | 'selectors' | 'ignore' | 'only' | 'skip' | 'resolvers' | 'dnsbls' | 'zones' | 'ips' | 'caFiles';
const LIST_KEYS: readonly ListKey[] = ['domains', 'selectors', 'ignore', 'only', 'skip', 'resolvers', 'dnsbls', 'zones', 'ips', 'caFiles'];
const KNOWN_KEYS = new Set<string>([
  ...LIST_KEYS, 'failOn', 'defaultDnsbls', '$schema', 'ipFamily', 'deadline', ...Object.keys(NUMBER_KEYS), ...STRING_KEYS, ...BOOLEAN_KEYS,
]);

/** The config file in `start` or the nearest folder above it, or null. */
export function findConfigFile(start: string): string | null {
  let dir = resolve(start);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(dir, name);
      try {
        if (statSync(candidate).isFile()) return candidate;
      } catch { /* not here */ }
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function check(file: string, key: string, values: string[], validate: (value: string) => void): void {
  for (const value of values) {
    try {
      validate(value);
    } catch (error) {
      throw new UsageError(`${file}: "${key}": ${(error as Error).message}`);
    }
  }
}

/** Reads and validates a config file; every problem is a UsageError naming the file and key. */
export function readConfigFile(file: string): AuditConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return parseConfigText(text, file);
}

/** Validates the text of the config file `file` (paths are judged against its folder); every problem is a UsageError. */
export function parseConfigText(text: string, file: string): AuditConfig {
  let data: unknown;
  try {
    data = parseJsonQuietly(text);
  } catch (error) {
    throw new UsageError(`cannot read config file ${file}: not valid JSON (${(error as Error).message})`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new UsageError(`${file}: the config must be a JSON object`);
  const raw = data as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.has(key)) throw new UsageError(`${file}: unknown key "${key}" (known: ${[...KNOWN_KEYS].filter((k) => k !== '$schema').join(', ')})`);
  }
  const config: AuditConfig = { file };
  for (const key of LIST_KEYS) {
    const value = raw[key];
    if (value === undefined) continue;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.trim() === '')) {
      throw new UsageError(`${file}: "${key}" must be a list of non-empty strings`);
    }
    config[key] = value.map((v: string) => v.trim());
  }
  if (raw.failOn !== undefined) {
    if (typeof raw.failOn !== 'string' || !FAIL_ON_VALUES.includes(raw.failOn.toLowerCase() as FailOn)) {
      throw new UsageError(`${file}: "failOn" must be one of ${FAIL_ON_VALUES.join(', ')}, not ${JSON.stringify(raw.failOn)}`);
    }
    config.failOn = raw.failOn.toLowerCase() as FailOn;
  }
  if (raw.defaultDnsbls !== undefined) {
    if (typeof raw.defaultDnsbls !== 'boolean') throw new UsageError(`${file}: "defaultDnsbls" must be true or false`);
    config.defaultDnsbls = raw.defaultDnsbls;
  }
  for (const [key, [min, max]] of Object.entries(NUMBER_KEYS) as Array<[keyof typeof NUMBER_KEYS, readonly [number, number]]>) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new UsageError(`${file}: "${key}" must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`);
    }
    config[key] = value;
  }
  for (const key of STRING_KEYS) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`${file}: "${key}" must be a non-empty string`);
    config[key] = value.trim();
  }
  for (const key of BOOLEAN_KEYS) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') throw new UsageError(`${file}: "${key}" must be true or false`);
    config[key] = value;
  }
  if (raw.ipFamily !== undefined) {
    if (raw.ipFamily !== 4 && raw.ipFamily !== 6) throw new UsageError(`${file}: "ipFamily" must be 4 or 6, not ${JSON.stringify(raw.ipFamily)}`);
    config.ipFamily = raw.ipFamily;
  }
  if (raw.deadline !== undefined) {
    const text = typeof raw.deadline === 'number' && Number.isInteger(raw.deadline) ? `${raw.deadline}ms` : raw.deadline;
    if (typeof text !== 'string') throw new UsageError(`${file}: "deadline" must be a duration such as "90s", "5m" or a number of ms`);
    try {
      parseDuration(text, '"deadline"');
    } catch (error) {
      throw new UsageError(`${file}: ${(error as Error).message}`);
    }
    config.deadline = text;
  }
  check(file, 'ips', config.ips ?? [], (ip) => { if (!isIP(ip)) throw new Error(`"${ip}" is not an IP address`); });
  if (config.caFiles) config.caFiles = config.caFiles.map((path) => confinedPath(file, 'caFiles', path));
  check(file, 'domains', config.domains ?? [], (d) => { parseTarget(d); });
  check(file, 'selectors', config.selectors ?? [], (s) => {
    if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/i.test(s)) throw new Error(`"${s}" is not a valid DKIM selector`);
  });
  check(file, 'ignore', config.ignore ?? [], (c) => { parseIgnoreCode(c); });
  for (const key of ['only', 'skip'] as const) {
    check(file, key, config[key] ?? [], (item) => { selectChecks(ALL_CHECKS, { only: [item], skip: [] }); });
  }
  check(file, 'resolvers', config.resolvers ?? [], (r) => { parseResolverSpec(r); });
  check(file, 'dnsbls', config.dnsbls ?? [], (d) => { parseDnsblOption(d); });
  if (config.zones) {
    const base = dirname(resolve(file));
    config.zones = config.zones.map((spec) => {
      const eq = spec.indexOf('=');
      // `origin=path` keeps its origin; a relative path is taken from the config's folder
      const [origin, path] = eq > 0 && !existsSync(join(base, spec)) ? [spec.slice(0, eq), spec.slice(eq + 1)] : [null, spec];
      const absolute = confinedPath(file, 'zones', path);
      return origin === null ? absolute : `${origin}=${absolute}`;
    });
  }
  return config;
}

/**
 * `path` (relative to the config file's folder, or absolute) as an absolute path, when it lies
 * in that folder or below once symbolic links are resolved; otherwise a UsageError naming the
 * key. A path that does not exist yet is judged by its nearest existing folder (reading it then
 * fails with ENOENT, as for any missing file).
 */
export function confinedPath(configFile: string, key: string, path: string): string {
  const folder = dirname(resolve(configFile));
  const absolute = isAbsolute(path) ? path : join(folder, path);
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      const parent = dirname(p);
      return parent === p ? p : join(real(parent), basename(p));
    }
  };
  const root = real(folder);
  const target = real(absolute);
  if (target !== root && !target.startsWith(root.endsWith(sep) ? root : `${root}${sep}`)) {
    throw new UsageError(`${configFile}: "${key}": ${path} is outside the config file's folder ${root}; paths in a config file must stay in its folder or below (name other files on the command line)`);
  }
  return absolute;
}

/**
 * The config in force: --config <file> when given, none with --no-config, else the nearest
 * config file from `cwd` upward (null when there is none).
 */
export function loadAuditConfig(option: string | boolean | undefined, cwd: string): AuditConfig | null {
  if (option === false) return null;
  if (typeof option === 'string') {
    if (!existsSync(option)) throw new UsageError(`cannot read config file ${option}: ENOENT`);
    return readConfigFile(option);
  }
  const found = findConfigFile(cwd);
  return found ? readConfigFile(found) : null;
}

/**
 * The flags with the config's values filled in where the command line gave none. `given(flag)`
 * says whether the user typed that flag (commander's option value source is 'cli').
 */
export function mergeConfig(flags: RawAuditFlags, config: AuditConfig, given: (flag: keyof RawAuditFlags) => boolean): RawAuditFlags {
  const merged: RawAuditFlags = { ...flags };
  if (!given('failOn') && config.failOn) merged.failOn = config.failOn;
  if (!given('only') && config.only) merged.only = config.only;
  if (!given('skip') && config.skip) merged.skip = config.skip;
  if (!given('selector') && config.selectors) merged.selector = config.selectors;
  if (!given('resolver') && config.resolvers && !flags.facts) merged.resolver = config.resolvers;
  if (!given('ignore') && config.ignore) merged.ignore = config.ignore;
  if (!given('zone') && config.zones && !flags.facts) {
    merged.zone = config.zones;
    merged.zonesFromConfig = config.file;
  }
  if (!given('dnsbl') && config.dnsbls) merged.dnsbl = config.dnsbls;
  if (!given('defaultDnsbls') && config.defaultDnsbls !== undefined) merged.defaultDnsbls = config.defaultDnsbls;
  if (!given('ip') && config.ips) merged.ip = config.ips;
  if (!given('caFile') && config.caFiles) merged.caFile = config.caFiles;
  if (!given('smtp') && config.smtp !== undefined) merged.smtp = config.smtp;
  if (!given('relay') && config.relay !== undefined) merged.relay = config.relay;
  for (const key of Object.keys(NUMBER_KEYS) as Array<keyof typeof NUMBER_KEYS>) {
    if (!given(key) && config[key] !== undefined) merged[key] = String(config[key]);
  }
  if (!given('deadline') && config.deadline) merged.deadline = config.deadline;
  if (!given('ehlo') && config.ehlo) merged.ehlo = config.ehlo;
  if (!given('relayFrom') && config.relayFrom) merged.relayFrom = config.relayFrom;
  if (!given('relayTo') && config.relayTo) merged.relayTo = config.relayTo;
  if (!given('ipv4Only') && !given('ipv6Only') && config.ipFamily !== undefined) {
    merged.ipv4Only = config.ipFamily === 4;
    merged.ipv6Only = config.ipFamily === 6;
  }
  return merged;
}
