// `smtp-audit [audit] <domain...>`: the main job.
import { Command, Option } from 'commander';
import { createAuditEnv } from '../../core/env.ts';
import { targetName } from '../../core/target.ts';
import { parseAuditFlags, type RawAuditFlags } from '../audit-options.ts';
import { collectTargets } from '../domains.ts';
import { runAudits, type RunIo } from '../run-audits.ts';
import { UsageError } from '../usage-error.ts';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function addAuditOptions(command: Command): Command {
  return command
    .option('--resolver <ip[:port]>', 'DNS resolver to use, repeatable (default: the system resolvers)', collect)
    .option('--format <format>', 'output format: table, json, ndjson', 'table')
    .option('--output <file>', 'write the report to a file (written whole, or not at all)')
    .option('--fail-on <level>', 'exit 1 when a check ends at or above: fail, warn, info, never', 'fail')
    .option('--only <ids|areas>', 'run only these check ids or areas (comma-separated, repeatable)', collect)
    .option('--skip <ids|areas>', 'leave out these check ids or areas (comma-separated, repeatable)', collect)
    .option('--selector <name>', 'DKIM selector to check, repeatable', collect)
    .option('--ip <addr>', 'a sending IP: SPF evaluation and blocklists, repeatable', collect)
    .option('--no-smtp', 'DNS checks only: no SMTP connections')
    .option('--no-relay', 'do not run the open-relay test')
    .option('--port <n>', 'SMTP port to probe', '25')
    .option('--timeout <ms>', 'timeout for each network operation', '5000')
    .option('--greeting-timeout <ms>', 'how long to wait for an SMTP greeting (default: 30000)')
    .option('--ehlo <name>', 'the host name to announce in EHLO')
    .option('--input <file>', 'read targets from a file, one a line (# comments)')
    .option('--concurrency <n>', 'targets audited at once', '8')
    .option('--no-color', 'no ANSI colours (also when NO_COLOR is set or output is not a terminal)')
    .option('--verbose', 'log every DNS query with its answer code and time to stderr; show all evidence')
    .option('--connect-to <host:port=ip:port>', 'send connections for host:port to ip:port instead, repeatable', collect)
    .option('--save-facts <file>', 'save the gathered facts to replay later with --facts')
    .option('--facts <file>', 'audit saved facts again, with no network at all')
    .addOption(new Option('--dns-tries <n>', 'rounds over the resolver list per query').default('2').hideHelp());
}

export async function runAuditCommand(domains: string[], flags: RawAuditFlags & { dnsTries?: string }, io: RunIo): Promise<number> {
  const settings = parseAuditFlags(flags);
  let targets = collectTargets(domains, flags.input);
  if (targets.length === 0 && settings.replay) {
    targets = collectTargets(settings.replay.audits.map((a) => a.target));
  }
  if (targets.length === 0) throw new UsageError('no domain given (smtp-audit <domain...>, or --input <file>)');
  const debug = settings.verbose ? (line: string) => io.stderr.write(`${line}\n`) : undefined;
  const env = createAuditEnv({
    resolvers: settings.resolvers,
    dnsTimeoutMs: Math.min(settings.timeoutMs, 5000),
    dnsTries: Number(flags.dnsTries ?? 2),
    connectTo: settings.connectTo,
    debug,
  });
  debug?.(`auditing ${targets.map(targetName).join(', ')}`);
  const { exitCode } = await runAudits(targets, settings, env, io);
  return exitCode;
}

export function auditCommand(io: RunIo, setExit: (code: number) => void): Command {
  const command = new Command('audit')
    .description('audit domains: DNS facts plus a live SMTP probe of every MX address (the default command)')
    .argument('[domains...]', 'domain names, email addresses, URLs or IP addresses');
  addAuditOptions(command);
  command.addHelpText('after', `
Examples:
  smtp-audit example.com
  smtp-audit example.com --format json --fail-on warn > report.json
  smtp-audit user@example.org https://example.net/ --no-smtp
  smtp-audit --input domains.txt --format ndjson --concurrency 16
  smtp-audit example.com --resolver 127.0.0.1:5353 --connect-to mx.example.com:25=127.0.0.1:2525
  smtp-audit example.com --save-facts facts.json && smtp-audit --facts facts.json

Exit codes: 0 clean, 1 a check at or above --fail-on, 2 usage error, 3 incomplete (a check ended "error").`);
  command.action(async (domains: string[], flags: RawAuditFlags) => {
    setExit(await runAuditCommand(domains, flags, io));
  });
  return command;
}
