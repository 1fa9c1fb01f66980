// `smtp-audit inspect <file.eml>`: verify a received message again and trace its hops.
// Only commander and option parsing are imported up front; the message code and mailauth (in
// its worker) are loaded when inspect runs.
import net from 'node:net';
import { Command } from 'commander';
import { parseResolverSpec } from '../../net/dns/servers.ts';
import { addLimitOptions, limitsFromFlags, verifyTimeoutFromFlags, type RawLimitFlags } from '../../serve/limit-options.ts';
import type { RunIo } from '../run-audits.ts';
import { UsageError } from '../usage-error.ts';

interface RawInspectFlags extends RawLimitFlags {
  ip?: string;
  helo?: string;
  mailFrom?: string;
  resolver?: string[];
  format: string;
  verbose?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function inspectCommand(io: RunIo, setExit: (code: number) => void): Command {
  const command = new Command('inspect')
    .description('verify a received message (DKIM, ARC, SPF, DMARC) and trace its hops from its headers')
    .argument('<file.eml>', 'the message, as saved (LF or CRLF line endings)')
    .option('--ip <address>', 'the address the message came from, for SPF (default: from Received-SPF, Authentication-Results or the newest Received)')
    .option('--helo <name>', 'the HELO name it came with (default: from the trace fields)')
    .option('--mail-from <address>', 'its MAIL FROM (default: from Received-SPF, Authentication-Results or Return-Path)')
    .option('--resolver <ip[:port]>', 'DNS server for the DKIM keys and SPF, DMARC, BIMI records (repeatable)', collect)
    .option('--format <format>', 'table or json', 'table')
    .option('--verbose', 'log every DNS query to stderr');
  return addLimitOptions(command)
    .addHelpText('after', `
DKIM and ARC are verified from the message alone. SPF needs the connection the message arrived
on: give --ip (and --helo, --mail-from), or inspect takes them from the Received-SPF or
Authentication-Results field the receiving server added, or from the newest Received field.
DMARC uses whatever SPF and DKIM found. What the servers recorded is shown next to it.

The route lists each Received field as a hop, oldest first: who handed the message to whom,
with which protocol, whether TLS was used, and how long each hop took (the first one counted
from the Date field).

A message over one of the --max-* limits is not parsed at all: inspect names the limit and
exits 2 (raise the limit to inspect it anyway). Verification has a time budget
(--verify-timeout): past it every result is temperror, with the reason, and the exit code is 3.

Exit codes: 0 nothing failed, 1 DMARC, ARC or a DKIM signature failed, 2 usage error or a
message over a limit, 3 a result could not be determined (DNS temperror, time budget).

Examples:
  smtp-audit inspect message.eml
  smtp-audit inspect message.eml --ip 192.0.2.25 --mail-from bounce@example.com
  smtp-audit inspect message.eml --format json |
    jq '.route.hops[] | {from, by, delayMs}'`)
    .action(async (file: string, flags: RawInspectFlags) => {
      const format = flags.format.toLowerCase();
      if (format !== 'table' && format !== 'json') throw new UsageError(`inspect --format must be table or json, not "${flags.format}"`);
      if (flags.ip && !net.isIP(flags.ip)) throw new UsageError(`--ip "${flags.ip}" is not an IP address`);
      if (flags.helo !== undefined && !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[[0-9a-fA-F:.]+\]$/.test(flags.helo)) throw new UsageError(`--helo "${flags.helo}" is not a host name or address literal`);
      if (flags.mailFrom !== undefined && flags.mailFrom !== '' && !/^[^\s@<>]+@[^\s@<>]+$/.test(flags.mailFrom)) throw new UsageError(`--mail-from "${flags.mailFrom}" is not an email address`);
      for (const spec of flags.resolver ?? []) {
        try { parseResolverSpec(spec); } catch (error) { throw new UsageError((error as Error).message); }
      }
      const limits = limitsFromFlags(flags);
      const timeoutMs = verifyTimeoutFromFlags(flags);
      const [{ readMessageWithinLimits }, { createAuditEnv }, { MessageVerifier }, { inspectMessage }, { renderInspectText }] = await Promise.all([
        import('../../inspect/read-message.ts'),
        import('../../core/env.ts'),
        import('../../serve/message-verifier.ts'),
        import('../../inspect/inspect-message.ts'),
        import('../../inspect/render-inspect.ts'),
      ]);
      const message = readMessageWithinLimits(file, limits);
      const debug = flags.verbose ? (line: string) => io.stderr.write(`${line}\n`) : undefined;
      const env = createAuditEnv({ resolvers: flags.resolver ?? [], debug });
      const verifier = new MessageVerifier({ resolver: env.resolver, timeoutMs, workers: 1 });
      try {
        const report = await inspectMessage(file, message, { ip: flags.ip ?? null, helo: flags.helo ?? null, mailFrom: flags.mailFrom ?? null, verifier });
        io.stdout.write(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderInspectText(report));
        setExit(report.exitCode);
      } finally {
        await verifier.close();
      }
    });
}
