// `smtp-audit inspect <file.eml>`: verify a received message again and trace its hops.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { Command } from 'commander';
import { createAuditEnv } from '../../core/env.ts';
import { parseResolverSpec } from '../../net/dns/servers.ts';
import { inspectMessage } from '../../inspect/inspect-message.ts';
import { renderInspectText } from '../../inspect/render-inspect.ts';
import type { RunIo } from '../run-audits.ts';
import { UsageError } from '../usage-error.ts';

interface RawInspectFlags {
  ip?: string;
  helo?: string;
  mailFrom?: string;
  resolver?: string[];
  format: string;
  verbose?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function inspectCommand(io: RunIo, setExit: (code: number) => void): Command {
  return new Command('inspect')
    .description('verify a received message (DKIM, ARC, SPF, DMARC) and trace its hops from its headers')
    .argument('<file.eml>', 'the message, as saved (LF or CRLF line endings)')
    .option('--ip <address>', 'the address the message came from, for SPF (default: from Received-SPF, Authentication-Results or the newest Received)')
    .option('--helo <name>', 'the HELO name it came with (default: from the trace fields)')
    .option('--mail-from <address>', 'its MAIL FROM (default: from Received-SPF, Authentication-Results or Return-Path)')
    .option('--resolver <ip[:port]>', 'DNS server for the DKIM keys and SPF, DMARC, BIMI records (repeatable)', collect)
    .option('--format <format>', 'table or json', 'table')
    .option('--verbose', 'log every DNS query to stderr')
    .addHelpText('after', `
DKIM and ARC are verified from the message alone. SPF needs the connection the message arrived
on: give --ip (and --helo, --mail-from), or inspect takes them from the Received-SPF or
Authentication-Results field the receiving server added, or from the newest Received field.
DMARC uses whatever SPF and DKIM found. What the servers recorded is shown next to it.

The route lists each Received field as a hop, oldest first: who handed the message to whom,
with which protocol, whether TLS was used, and how long each hop took (the first one counted
from the Date field).

Exit codes: 0 nothing failed, 1 DMARC, ARC or a DKIM signature failed, 2 usage error,
3 a result could not be determined (DNS temperror).

Examples:
  smtp-audit inspect message.eml
  smtp-audit inspect message.eml --ip 192.0.2.25 --mail-from bounce@example.com
  smtp-audit inspect message.eml --format json | jq '.route.hops[] | {from, by, delayMs}'`)
    .action(async (file: string, flags: RawInspectFlags) => {
      const format = flags.format.toLowerCase();
      if (format !== 'table' && format !== 'json') throw new UsageError(`inspect --format must be table or json, not "${flags.format}"`);
      if (flags.ip && !net.isIP(flags.ip)) throw new UsageError(`--ip "${flags.ip}" is not an IP address`);
      if (flags.helo !== undefined && !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[[0-9a-fA-F:.]+\]$/.test(flags.helo)) throw new UsageError(`--helo "${flags.helo}" is not a host name or address literal`);
      if (flags.mailFrom !== undefined && flags.mailFrom !== '' && !/^[^\s@<>]+@[^\s@<>]+$/.test(flags.mailFrom)) throw new UsageError(`--mail-from "${flags.mailFrom}" is not an email address`);
      for (const spec of flags.resolver ?? []) {
        try { parseResolverSpec(spec); } catch (error) { throw new UsageError((error as Error).message); }
      }
      let data: Buffer;
      try {
        data = readFileSync(file);
      } catch (error) {
        throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      if (!/^[\x21-\x39\x3b-\x7e]+:/.test(data.subarray(0, 1000).toString('latin1'))) throw new UsageError(`${file} does not start with a header field: it is not a message (RFC 5322)`);
      const debug = flags.verbose ? (line: string) => io.stderr.write(`${line}\n`) : undefined;
      const env = createAuditEnv({ resolvers: flags.resolver ?? [], debug });
      const report = await inspectMessage(file, data, { ip: flags.ip ?? null, helo: flags.helo ?? null, mailFrom: flags.mailFrom ?? null, resolver: env.resolver });
      io.stdout.write(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderInspectText(report));
      setExit(report.exitCode);
    });
}
