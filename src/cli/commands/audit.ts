// `smtp-audit [audit] <domain...>`: the main job.
import { Command, Option } from 'commander';
import { createAuditEnv, createOfflineEnv } from '../../core/env.ts';
import { targetName } from '../../core/target.ts';
import { parseAuditFlags, type RawAuditFlags } from '../audit-options.ts';
import { loadAuditConfig, mergeConfig } from '../config-file.ts';
import { collectTargets } from '../domains.ts';
import { runAudits, type RunIo } from '../run-audits.ts';
import { boundHeapGrowth } from '../heap.ts';
import { inShard } from '../shard.ts';
import { UsageError } from '../usage-error.ts';
import { sanitizeRemoteText } from '../../util/sanitize.ts';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function addAuditOptions(command: Command): Command {
  return command
    .option('--resolver <ip[:port]>', 'DNS resolver to use, repeatable (default: the system resolvers)', collect)
    .option('--format <fmt[:file]>', 'output format: table (default), json, ndjson, markdown, junit, sarif; repeatable, fmt:file writes that format to a file', collect)
    .option('--output <file>', 'write the report to a file (written whole, or not at all)')
    .option('--fail-on <level>', 'exit 1 when a check ends at or above: fail, warn, info, never', 'fail')
    .option('--only <ids|areas>', 'run only these check ids or areas (comma-separated, repeatable)', collect)
    .option('--skip <ids|areas>', 'leave out these check ids or areas (comma-separated, repeatable)', collect)
    .option('--selector <name>', 'DKIM selector to check, repeatable', collect)
    .option('--ip <addr>', 'a sending IP: SPF evaluation and blocklists, repeatable', collect)
    .option('--dnsbl <zone[:ip|domain]>', 'also check this DNS blocklist zone (an IP list unless :domain), repeatable', collect)
    .option('--no-default-dnsbls', 'do not check the shipped blocklists (only the --dnsbl zones)')
    .option('--no-smtp', 'DNS checks only: no SMTP connections')
    .option('--no-relay', 'do not run the open-relay test')
    .option('--port <n>', 'SMTP port to probe', '25')
    .option('--timeout <ms>', 'timeout for each network operation', '5000')
    .option('--deadline <time>', 'time budget for the whole run (e.g. 90s, 5m, 1500ms): then unfinished checks end "error" and the report is written')
    .option('--greeting-timeout <ms>', 'how long to wait for an SMTP greeting (default: 30000)')
    .option('--ehlo <name>', 'the host name to announce in EHLO (default: this machine\'s name when it is fully qualified, else smtp-audit.invalid)')
    .option('-4, --ipv4-only', 'probe only the IPv4 addresses of the MX hosts (from a network without IPv6)')
    .option('-6, --ipv6-only', 'probe only the IPv6 addresses of the MX hosts')
    .option('--smtp-concurrency <n>', 'SMTP probe connections open at once over the whole run (one per address at a time)', '8')
    .option('--relay-from <address>', 'outside sender for the open-relay test', 'relay-test@example.net')
    .option('--relay-to <address>', 'outside recipient for the open-relay test', 'relay-test@example.org')
    .option('--ca-file <pem>', 'also trust the CA certificates in this PEM file when judging MX certificates, repeatable', collect)
    .option('--input <file>', 'read targets from a file, one a line (# comments); - reads standard input')
    .option('--concurrency <n>', 'targets audited at once', '8')
    .option('--shard <k/n>', 'audit only shard k of n of the targets (a stable hash of each target): split a list over machines, then `smtp-audit merge`')
    .option('--no-color', 'no ANSI colours (also when NO_COLOR is set or output is not a terminal)')
    .option('--verbose', 'log every DNS query with its answer code and time to stderr; show all evidence')
    .option('--source-address <ip>', 'start outgoing connections from this local address (a host with several addresses)')
    .option('--connect-to <host:port=ip:port>', 'send connections for host:port to ip:port instead, repeatable', collect)
    .option('--save-facts <file>', 'save the gathered facts to replay later with --facts')
    .option('--facts <file>', 'audit saved facts again, with no network at all')
    .option('--ignore <finding code>', 'do not count findings with this code (e.g. ptr/present.missing), repeatable; they stay listed as ignored', collect)
    .option('--zone <file>', 'a zone file ([origin=]file) whose records replace DNS for the names it covers: audit a change before publishing it; repeatable', collect)
    .option('--config <file>', 'read settings from this JSON file (default: smtp-audit.config.json or .smtp-auditrc.json here or in a folder above)')
    .option('--no-config', 'ignore any config file')
    .addOption(new Option('--dns-tries <n>', 'rounds over the resolver list per query').default('2').hideHelp());
}

/**
 * `given(flag)` says whether the user typed the flag (not a default), so that a config file's
 * value is used only where the command line is silent; without it, any set flag counts as given.
 */
export async function runAuditCommand(domains: string[], rawFlags: RawAuditFlags & { dnsTries?: string }, io: RunIo, given?: (flag: keyof RawAuditFlags) => boolean): Promise<number> {
  const config = loadAuditConfig(rawFlags.config, process.cwd());
  const flags: RawAuditFlags & { dnsTries?: string } = config ? { ...rawFlags, ...mergeConfig(rawFlags, config, given ?? ((flag) => rawFlags[flag] !== undefined)) } : rawFlags;
  // a large --zone file is parsed inside parseAuditFlags: its garbage is bounded from the start
  if ((flags.zone ?? []).length > 0) boundHeapGrowth();
  const settings = parseAuditFlags(flags);
  for (const warning of settings.warnings) io.stderr.write(`smtp-audit: warning: ${sanitizeRemoteText(warning)}\n`);
  let targets = collectTargets(domains, flags.input);
  if (targets.length === 0 && domains.length === 0 && !flags.input && config?.domains) targets = collectTargets(config.domains);
  if (targets.length === 0 && settings.replay) {
    targets = collectTargets(settings.replay.audits.map((a) => a.target));
  }
  if (targets.length === 0) throw new UsageError('no domain given (smtp-audit <domain...>, or --input <file>)');
  if (settings.shard) {
    const { index, count } = settings.shard;
    const all = targets.length;
    targets = targets.filter((target) => inShard(target, settings.shard!));
    // an empty shard is not an error: a list shorter than the number of jobs still succeeds
    if (targets.length === 0) io.stderr.write(`smtp-audit: shard ${index}/${count} holds none of the ${all} targets\n`);
  }
  // --verbose lines carry names from DNS answers: control bytes are made visible
  const debug = settings.verbose ? (line: string) => io.stderr.write(`${sanitizeRemoteText(line)}\n`) : undefined;
  // --facts judges saved facts with no network: an environment that cannot open a socket
  const env = settings.replay ? createOfflineEnv({ debug }) : createAuditEnv({
    resolvers: settings.resolvers,
    dnsTimeoutMs: Math.min(settings.timeoutMs, 5000),
    dnsTries: Number(flags.dnsTries ?? 2),
    connectTo: settings.connectTo,
    sourceAddress: settings.sourceAddress,
    debug,
    zones: settings.zones,
    smtpConcurrency: settings.options.smtpConcurrency,
    deadlineMs: settings.deadlineMs ?? undefined,
  });
  debug?.(`auditing ${targets.map(targetName).join(', ')}`);
  const { exitCode } = await runAudits(targets, settings, env, io);
  return exitCode;
}

export function auditCommand(io: RunIo, setExit: (code: number) => void): Command {
  const command = new Command('audit')
    .argument('[domains...]', 'domain names, email addresses, URLs or IP addresses');
  addAuditOptions(command);
  command.addHelpText('after', `
Examples:
  smtp-audit example.com
  smtp-audit example.com --format json --fail-on warn > report.json
  smtp-audit user@example.org https://example.net/ --no-smtp
  smtp-audit --input domains.txt --format ndjson --concurrency 16
  smtp-audit --input list.txt --shard 2/4 --format ndjson --output s2.ndjson
  smtp-audit example.com --resolver 127.0.0.1:5353
  smtp-audit example.com --connect-to mx.example.com:25=127.0.0.1:2525
  smtp-audit example.com --save-facts f.json; smtp-audit --facts f.json
  smtp-audit example.com --format json:report.json --format sarif:out.sarif
  smtp-audit example.com --zone dns/example.com.zone   # audit a DNS change
  smtp-audit example.com --ignore ptr/present.missing --fail-on warn
  smtp-audit --input domains.txt --deadline 10m --format json:report.json
  smtp-audit example.com --only dnsbl --no-default-dnsbls --dnsbl bl.example

Exit codes: 0 clean, 1 a check at or above --fail-on, 2 usage error, 3 incomplete (a check ended "error"). With --fail-on never: 0 unless a usage error.`);
  command.action(async (domains: string[], flags: RawAuditFlags, self: Command) => {
    setExit(await runAuditCommand(domains, flags, io, (flag) => self.getOptionValueSource(flag) === 'cli'));
  });
  return command;
}
