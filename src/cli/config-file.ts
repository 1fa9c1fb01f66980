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
//     "zones": ["dns/example.com.zone"]    --zone, relative to the config file's folder
//   }
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ALL_CHECKS } from '../checks/index.ts';
import { FAIL_ON_VALUES, type FailOn } from '../core/exit-code.ts';
import { selectChecks } from '../core/selection.ts';
import { parseTarget } from '../core/target.ts';
import { parseDnsblOption } from '../dnsbl/dnsbl-list.ts';
import { parseResolverSpec } from '../net/dns/servers.ts';
import { parseIgnoreCode } from '../report/ignore.ts';
import type { RawAuditFlags } from './audit-options.ts';
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
  /** --zone specs, paths resolved against the config file's folder */
  zones?: string[];
}

type ListKey = 'domains' | 'selectors' | 'ignore' | 'only' | 'skip' | 'resolvers' | 'dnsbls' | 'zones';
const LIST_KEYS: readonly ListKey[] = ['domains', 'selectors', 'ignore', 'only', 'skip', 'resolvers', 'dnsbls', 'zones'];
const KNOWN_KEYS = new Set<string>([...LIST_KEYS, 'failOn', 'defaultDnsbls', '$schema']);

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
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read config file ${file}: ${code ?? `not valid JSON (${(error as Error).message})`}`);
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
      const absolute = isAbsolute(path) ? path : join(base, path);
      return origin === null ? absolute : `${origin}=${absolute}`;
    });
  }
  return config;
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
  if (!given('zone') && config.zones && !flags.facts) merged.zone = config.zones;
  if (!given('dnsbl') && config.dnsbls) merged.dnsbl = config.dnsbls;
  if (!given('defaultDnsbls') && config.defaultDnsbls !== undefined) merged.defaultDnsbls = config.defaultDnsbls;
  return merged;
}
