// Fixture zones on disk: every `*.zone` file in a folder, in RFC 1035 master-file format
// (parsed by src/parse/zone-file.ts), plus one extension for misbehaviour:
//
//   $FIXTURE <name> servfail|refused|nxdomain|timeout|authenticated [type=<TYPE>]
//   $FIXTURE <name> delay <ms> [type=<TYPE>]
//
// <name> is relative to the current $ORIGIN like any owner name, and may start with `*.`
// to cover every name below. A file's default $ORIGIN is its file name without `.zone`.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { absoluteName, parseZoneFile, type ZoneRecord } from '../parse/zone-file.ts';
import type { BehaviourRule, FixtureBehaviour } from './dns-server.ts';

export interface FixtureZones { records: ZoneRecord[]; rules: BehaviourRule[] }

export function parseFixtureZone(text: string, fileName: string, origin?: string): FixtureZones {
  const zoneOrigin = origin ?? basename(fileName).replace(/\.zone$/, '');
  const parsed = parseZoneFile(text, { origin: zoneOrigin, fileName });
  const rules: BehaviourRule[] = [];
  for (const directive of parsed.directives) {
    if (directive.name.toUpperCase() !== '$FIXTURE') {
      throw new Error(`${fileName}:${directive.line}: unknown directive ${directive.name}`);
    }
    const [rawName, kind, ...rest] = directive.args;
    if (!rawName || !kind) throw new Error(`${fileName}:${directive.line}: $FIXTURE needs a name and a behaviour`);
    const wildcard = rawName.startsWith('*.');
    const base = wildcard ? rawName.slice(2) : rawName;
    const name = (wildcard ? '*.' : '') + absoluteName(base, zoneOrigin);
    let type: string | undefined;
    const args: string[] = [];
    for (const arg of rest) {
      const m = /^type=([A-Za-z0-9]+)$/.exec(arg);
      if (m) type = m[1]!.toUpperCase(); else args.push(arg);
    }
    let behaviour: FixtureBehaviour;
    switch (kind.toLowerCase()) {
      case 'servfail': case 'refused': case 'nxdomain': case 'timeout': case 'authenticated':
        behaviour = { kind: kind.toLowerCase() } as FixtureBehaviour;
        break;
      case 'delay': {
        const ms = Number(args[0]);
        if (!Number.isFinite(ms) || ms < 0) throw new Error(`${fileName}:${directive.line}: delay needs milliseconds`);
        behaviour = { kind: 'delay', ms };
        break;
      }
      default:
        throw new Error(`${fileName}:${directive.line}: unknown fixture behaviour "${kind}"`);
    }
    rules.push(type ? { name, type, behaviour } : { name, behaviour });
  }
  return { records: parsed.records, rules };
}

export function loadFixtureZones(directory: string): FixtureZones {
  const all: FixtureZones = { records: [], rules: [] };
  for (const file of readdirSync(directory).filter((f) => f.endsWith('.zone')).sort()) {
    const zones = parseFixtureZone(readFileSync(join(directory, file), 'utf8'), file);
    all.records.push(...zones.records);
    all.rules.push(...zones.rules);
  }
  return all;
}
