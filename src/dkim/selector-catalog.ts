// The curated DKIM selector catalogue (data/dkim-selectors.json): its types, the validator that
// guards it, and the pure functions that turn a domain's MX hosts and SPF includes into the
// selectors worth trying first. RFC 6376 3.1: selectors are names the signer chooses and DNS
// cannot list them, so discovery can only try the names providers are known to use.
import { readFileSync } from 'node:fs';

export interface DkimProvider {
  id: string;
  name: string;
  selectors: string[];
  /** MX host names ending in one of these imply the provider */
  mxSuffixes: string[];
  /** SPF include:/redirect= targets ending in one of these imply the provider */
  spfIncludes: string[];
  /** CNAME targets of a selector ending in one of these show the key is hosted by the provider */
  cnameSuffixes: string[];
  /** the start the CNAME target must have: {selector}, {domainDashed} */
  cnameTarget?: string;
  /** said when the provider is inferred but its selectors cannot be guessed */
  noteIfInferred?: string;
  source: string;
}

export interface DkimSelectorCatalog {
  version: 1;
  providers: DkimProvider[];
  generic: string[];
}

const SELECTOR = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*$/;
const SUFFIX = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/;

/** Throws with every problem listed when the data does not have the documented shape. */
export function validateSelectorCatalog(data: unknown): DkimSelectorCatalog {
  const problems: string[] = [];
  const catalog = data as DkimSelectorCatalog;
  if (!catalog || typeof catalog !== 'object') throw new Error('dkim-selectors.json: not an object');
  if (catalog.version !== 1) problems.push('version must be 1');
  const list = (value: unknown, where: string, pattern: RegExp): void => {
    if (!Array.isArray(value)) {
      problems.push(`${where} must be an array`);
      return;
    }
    for (const item of value) {
      if (typeof item !== 'string' || !pattern.test(item)) problems.push(`${where}: ${JSON.stringify(item)} is not a lower-case DNS name`);
    }
  };
  if (!Array.isArray(catalog.providers)) problems.push('providers must be an array');
  const ids = new Set<string>();
  for (const [i, p] of (catalog.providers ?? []).entries()) {
    const where = `providers[${i}]`;
    if (typeof p.id !== 'string' || !/^[a-z0-9-]+$/.test(p.id)) problems.push(`${where}.id must be kebab-case`);
    if (ids.has(p.id)) problems.push(`${where}.id ${p.id} is repeated`);
    ids.add(p.id);
    if (typeof p.name !== 'string' || p.name === '') problems.push(`${where}.name is required`);
    if (typeof p.source !== 'string' || !p.source.startsWith('https://')) problems.push(`${where}.source must start with an https:// address`);
    list(p.selectors, `${where}.selectors`, SELECTOR);
    list(p.mxSuffixes, `${where}.mxSuffixes`, SUFFIX);
    list(p.spfIncludes, `${where}.spfIncludes`, SUFFIX);
    list(p.cnameSuffixes, `${where}.cnameSuffixes`, SUFFIX);
    if (p.cnameTarget !== undefined && (typeof p.cnameTarget !== 'string' || !p.cnameTarget.includes('{selector}'))) {
      problems.push(`${where}.cnameTarget must contain {selector}`);
    }
    if (p.selectors?.length === 0 && !p.noteIfInferred) problems.push(`${where} has no selectors, so it needs noteIfInferred`);
  }
  list(catalog.generic, 'generic', SELECTOR);
  if (problems.length > 0) throw new Error(`dkim-selectors.json is invalid:\n  ${problems.join('\n  ')}`);
  return catalog;
}

const DATA_URL = new URL('../../data/dkim-selectors.json', import.meta.url);
let cached: DkimSelectorCatalog | null = null;

export function loadSelectorCatalog(): DkimSelectorCatalog {
  cached ??= validateSelectorCatalog(JSON.parse(readFileSync(DATA_URL, 'utf8')));
  return cached;
}

function endsWithName(name: string, suffix: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  return n === suffix || n.endsWith(`.${suffix}`);
}

export interface InferredProvider { provider: DkimProvider; reason: string }

/** Providers implied by the MX hosts and the SPF include/redirect targets, each with its first reason. */
export function inferProviders(catalog: DkimSelectorCatalog, mxHosts: readonly string[], spfTargets: readonly string[]): InferredProvider[] {
  const found = new Map<string, InferredProvider>();
  for (const provider of catalog.providers) {
    const mx = mxHosts.find((h) => provider.mxSuffixes.some((s) => endsWithName(h, s)));
    if (mx) {
      found.set(provider.id, { provider, reason: `MX ${mx}` });
      continue;
    }
    const spf = spfTargets.find((t) => provider.spfIncludes.some((s) => endsWithName(t, s)));
    if (spf) found.set(provider.id, { provider, reason: `SPF include ${spf}` });
  }
  return [...found.values()];
}

/** The provider whose infrastructure a CNAME chain ends in, if any. */
export function providerOfCname(catalog: DkimSelectorCatalog, cnames: readonly string[]): DkimProvider | null {
  for (const target of cnames) {
    const provider = catalog.providers.find((p) => p.cnameSuffixes.some((s) => endsWithName(target, s)));
    if (provider) return provider;
  }
  return null;
}

/** The CNAME target prefix a provider expects for this selector and domain, e.g. "selector1-example-com._domainkey.". */
export function expectedCnamePrefix(provider: DkimProvider, selector: string, domain: string): string | null {
  if (!provider.cnameTarget) return null;
  return provider.cnameTarget.replace('{selector}', selector).replace('{domainDashed}', domain.toLowerCase().replace(/\./g, '-'));
}

/**
 * The include: and redirect= targets of an SPF record (RFC 7208 5.2, 6.1), read only to guess
 * the senders; macro-bearing targets are left out because they cannot be expanded here.
 */
export function spfIncludeTargets(spf: string): string[] {
  const targets: string[] = [];
  for (const term of spf.trim().split(/\s+/).slice(1)) {
    const m = /^[+?~-]?include:(.+)$/i.exec(term) ?? /^redirect=(.+)$/i.exec(term);
    if (m && !m[1]!.includes('%')) targets.push(m[1]!.toLowerCase().replace(/\.$/, ''));
  }
  return targets;
}
