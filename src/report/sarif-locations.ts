// Where a SARIF result points. GitHub code scanning shows (and accepts) only results with a
// physical location, a file of the repository and a line in it, while a mail audit judges DNS
// and servers. So each finding points at the file that holds its fix when there is one, else at
// a stand-in the user chooses:
// 1. a finding judged from a --zone file: that file, at the line of the record to change (the
//    finding's subject, else the record the check reads: MX at the domain, TXT at _dmarc...);
// 2. else the config file in force (smtp-audit.config.json or .smtp-auditrc.json, here or in a
//    folder above, as the CLI finds it): the line that lists the domain, where it is audited
//    and where `ignore` can accept the finding;
// 3. else the stand-in: $SMTP_AUDIT_SARIF_LOCATION, else the GitHub Actions workflow running
//    the audit ($GITHUB_WORKFLOW_REF), else smtp-audit.config.json; at the line naming the
//    domain when the file is readable and names it, else line 1.
// Paths are relative to the repository ($GITHUB_WORKSPACE, else the working directory), as
// GitHub matches them against the files of the commit.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CheckResult, Finding, Report } from '../core/report-types.ts';

/** The config file names the CLI looks for (src/cli/config-file.ts CONFIG_FILE_NAMES). */
const CONFIG_FILE_NAMES = ['smtp-audit.config.json', '.smtp-auditrc.json'];
/** Files larger than this are not read for line numbers (a region of line 1 is used). */
const MAX_READ = 4 * 1024 * 1024;

export interface SarifLocationOptions {
  /** where a finding with no file of its own points (repository-relative or absolute) */
  standIn: string;
  /** the config file found for this run, when any */
  configFile: string | null;
  /** the repository root that URIs are made relative to */
  root: string;
  /** the folder relative paths (a --zone file as typed) are relative to */
  cwd: string;
  /** file text for line numbers; null when it cannot be read */
  readFile(path: string): string | null;
}

export interface SarifRegion { startLine: number; startColumn: number; endLine: number; endColumn: number }
export interface SarifPhysicalLocation { artifactLocation: { uri: string }; region: SarifRegion }

/** ".github/workflows/mail.yml" from "octo/repo/.github/workflows/mail.yml@refs/heads/main". */
export function workflowFile(ref: string | undefined): string | null {
  const m = /^[^/]+\/[^/]+\/(.+?)@/.exec(ref ?? '');
  return m ? m[1]! : null;
}

function findConfigFile(start: string): string | null {
  let dir = resolve(start);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const file = join(dir, name);
      try {
        if (statSync(file).isFile()) return file;
      } catch { /* not here */ }
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function readSmallFile(path: string): string | null {
  try {
    if (!existsSync(path) || statSync(path).size > MAX_READ) return null;
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The locations of this run, from its environment: see the top of this file. */
export function defaultSarifLocations(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): SarifLocationOptions {
  const root = env.GITHUB_WORKSPACE && isAbsolute(env.GITHUB_WORKSPACE) ? env.GITHUB_WORKSPACE : cwd;
  const configFile = findConfigFile(cwd);
  const standIn = env.SMTP_AUDIT_SARIF_LOCATION?.trim() || workflowFile(env.GITHUB_WORKFLOW_REF) || configFile || 'smtp-audit.config.json';
  return { standIn, configFile, root, cwd, readFile: (path) => readSmallFile(isAbsolute(path) ? path : resolve(cwd, path)) };
}

/** A repository-relative URI ("dns/example.com.zone"), or a file: URI for a file outside it. */
export function artifactUri(path: string, root: string, cwd: string = root): string {
  const absolute = isAbsolute(path) ? path : resolve(cwd, path);
  const rel = relative(root, absolute);
  if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) return encodeURI(rel.split(sep).join('/'));
  return pathToFileURL(absolute).href;
}

function regionOf(text: string | null, line: number | null): SarifRegion {
  const lines = text?.split(/\r?\n/) ?? [];
  const at = line !== null && line >= 1 && line <= lines.length ? line : 1;
  const length = lines[at - 1]?.length ?? 0;
  // GitHub wants every region field; a column past the end marks the whole line
  return { startLine: at, startColumn: 1, endLine: at, endColumn: Math.max(2, length + 1) };
}

/** The record type each area's fix lives in, for choosing among a name's lines in a zone file. */
const AREA_TYPE: Record<string, string> = { mx: 'MX', spf: 'TXT', dmarc: 'TXT', dkim: 'TXT', 'mta-sts': 'TXT', 'tls-rpt': 'TXT', bimi: 'TXT', ptr: 'PTR', dane: 'TLSA' };
/** The owner name an area's record lives at, under the domain. */
const AREA_OWNER: Record<string, (domain: string) => string> = {
  dmarc: (d) => `_dmarc.${d}`, 'mta-sts': (d) => `_mta-sts.${d}`, 'tls-rpt': (d) => `_smtp._tls.${d}`, bimi: (d) => `default._bimi.${d}`,
};

interface ZoneLine { line: number; owner: string; type: string | null }

const CLASSES = new Set(['IN', 'CH', 'HS', 'CS']);

/**
 * The owner and type of each record line of an RFC 1035 zone file (section 5.1): comments
 * after ";", "@" for the origin, relative names under $ORIGIN, a blank owner repeating the
 * previous one, entries continued in parentheses. The zone parser (src/parse/zone-file.ts)
 * keeps no line numbers, so this reads just enough to find a record's line.
 */
export function zoneLines(text: string, origin: string): ZoneLine[] {
  const out: ZoneLine[] = [];
  let current = origin.replace(/\.$/, '').toLowerCase();
  let previous: string | null = null;
  let depth = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    const body = raw.replace(/("(?:[^"\\]|\\.)*")|;.*$/g, (m, quoted: string | undefined) => quoted ?? '');
    const continued = depth > 0;
    depth += (body.match(/\(/g) ?? []).length - (body.match(/\)/g) ?? []).length;
    if (continued || body.trim() === '') return;
    const tokens = body.trim().replace(/[()]/g, ' ').split(/\s+/);
    if (tokens[0]!.startsWith('$')) {
      if (tokens[0]!.toUpperCase() === '$ORIGIN' && tokens[1]) current = absolute(tokens[1], current);
      return;
    }
    let owner: string;
    let rest: string[];
    if (/^\s/.test(raw)) {
      if (previous === null) return;
      owner = previous;
      rest = tokens;
    } else {
      owner = absolute(tokens[0]!, current);
      rest = tokens.slice(1);
    }
    previous = owner;
    const type = rest.find((t) => !/^\d+[smhdw]?$/i.test(t) && !CLASSES.has(t.toUpperCase()))?.toUpperCase() ?? null;
    out.push({ line: i + 1, owner, type });
  });
  return out;
}

function absolute(name: string, origin: string): string {
  if (name === '@') return origin;
  if (name.endsWith('.')) return name.slice(0, -1).toLowerCase();
  return `${name}.${origin}`.toLowerCase().replace(/\.$/, '');
}

/** The line of the record a finding's fix changes in a zone file, or null. */
export function zoneLineFor(text: string, origin: string, domain: string, check: CheckResult, finding: Finding | null): number | null {
  const lines = zoneLines(text, origin);
  const type = AREA_TYPE[check.area] ?? null;
  const names = [
    finding?.subject,
    AREA_OWNER[check.area]?.(domain),
    domain,
  ].filter((n): n is string => !!n && /^[a-z0-9_*-]+(\.[a-z0-9_-]+)*\.?$/i.test(n)).map((n) => n.replace(/\.$/, '').toLowerCase());
  for (const name of names) {
    const at = lines.filter((l) => l.owner === name);
    const best = at.find((l) => type !== null && l.type === type) ?? at[0];
    if (best) return best.line;
  }
  return null;
}

/** The first line naming the domain (a config file's "domains", a workflow's `domains:` input), else one with "domains". */
function lineNaming(text: string, domain: string): number | null {
  const lines = text.split(/\r?\n/);
  const name = new RegExp(`(^|[^\\w.-])${domain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w-]|\\.(?![\\w-]))`, 'i');
  const listed = lines.findIndex((l) => name.test(l));
  if (listed >= 0) return listed + 1;
  const key = lines.findIndex((l) => /\bdomains\b/.test(l));
  return key >= 0 ? key + 1 : null;
}

/** The zone file covering the domain (the longest origin), when the check judged zone-file data. */
function zoneFileFor(report: Report, check: CheckResult): { file: string; origin: string } | null {
  if (!check.fromZoneFile) return null;
  const covering = (report.zoneFiles ?? [])
    .filter((z) => z.origin === '' || report.domain === z.origin || report.domain.endsWith(`.${z.origin}`))
    .sort((a, b) => b.origin.length - a.origin.length);
  return covering[0] ?? null;
}

/** The physical location of a finding (or, with `finding` null, of the check as a whole). */
export function physicalLocation(report: Report, check: CheckResult, finding: Finding | null, options: SarifLocationOptions): SarifPhysicalLocation {
  const zone = zoneFileFor(report, check);
  if (zone) {
    const text = options.readFile(zone.file);
    const line = text === null ? null : zoneLineFor(text, zone.origin, report.domain, check, finding);
    return { artifactLocation: { uri: artifactUri(zone.file, options.root, options.cwd) }, region: regionOf(text, line) };
  }
  const file = options.configFile ?? options.standIn;
  const text = options.readFile(file);
  const line = text === null ? null : lineNaming(text, report.domain);
  return { artifactLocation: { uri: artifactUri(file, options.root, options.cwd) }, region: regionOf(text, line) };
}
