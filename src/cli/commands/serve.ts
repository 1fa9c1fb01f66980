// `smtp-audit serve`: the loopback SMTP server. It accepts test messages, verifies SPF, DKIM,
// DMARC, ARC and BIMI on arrival through our resolver, keeps each message with its verdicts,
// and runs until Ctrl-C (or, with --once, until the first message: exit 0 when DMARC passed).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { Command } from 'commander';
import { createAuditEnv } from '../../core/env.ts';
import { parseResolverSpec } from '../../net/dns/servers.ts';
import { startLoopbackServer, type ReceivedMessage, type RunningLoopbackServer } from '../../serve/loopback-server.ts';
import { prepareStoreFolder, storeMessage, verdictRecord } from '../../serve/message-store.ts';
import { renderArrival } from '../../serve/render-verdict.ts';
import type { RunIo } from '../run-audits.ts';
import { UsageError } from '../usage-error.ts';
import { parseHostPort } from './send.ts';

interface RawServeFlags {
  listen: string;
  dir?: string;
  resolver?: string[];
  clientIp?: string;
  name: string;
  cert?: string;
  key?: string;
  tls: boolean;
  auth: boolean;
  maxSize: string;
  once?: boolean;
  format: string;
  verbose?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function readPem(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${flag} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export function serveCommand(io: RunIo, setExit: (code: number) => void): Command {
  return new Command('serve')
    .description('run the loopback SMTP server: accept test messages, verify SPF/DKIM/DMARC/ARC on arrival, keep each message and its verdicts')
    .option('--listen <host:port>', 'address to listen on (port 0: any free port)', '127.0.0.1:2525')
    .option('--dir <folder>', 'keep each message as <id>.eml and its verdicts as <id>.json here (default: a new folder in the system temp folder)')
    .option('--resolver <ip[:port]>', 'DNS server for SPF, DKIM, DMARC, ARC and BIMI lookups (repeatable; default: the system resolvers)', collect)
    .option('--client-ip <address>', 'evaluate SPF as if every message came from this address')
    .option('--name <host>', 'the server name: greeting and Authentication-Results authserv-id', 'smtp-audit.loopback')
    .option('--cert <file>', 'PEM certificate for STARTTLS (default: a self-signed one made at start)')
    .option('--key <file>', 'PEM private key for --cert')
    .option('--no-tls', 'do not offer STARTTLS')
    .option('--no-auth', 'do not offer AUTH (by default PLAIN and LOGIN are offered, with or without TLS, and any credentials are accepted)')
    .option('--max-size <bytes>', 'largest message accepted (SIZE, RFC 1870)', String(25 * 1024 * 1024))
    .option('--once', 'exit after the first message: 0 when DMARC passed, 1 otherwise (for CI)')
    .option('--format <format>', 'table, or json (one JSON object per line: listening, then one per message)', 'table')
    .option('--verbose', 'log every DNS query to stderr')
    .addHelpText('after', `
The server relays nothing and looks nothing up except through --resolver (no reverse DNS). Each
message gets Authentication-Results (strict mode: every check follows its RFC) and the 250 reply
says "250 2.0.0 <id> spf=... dkim=... dmarc=...", so the sender sees the verdict in its own
transcript. The STARTTLS certificate is made in-process (ECDSA P-256, self-signed, covering the
--name, localhost, 127.0.0.1 and ::1); no openssl binary is needed.

Examples:
  smtp-audit serve
  smtp-audit serve --listen 127.0.0.1:2525 --dir ./mail --resolver 192.0.2.53
  smtp-audit serve --once --client-ip 198.51.100.7 && echo "DMARC passes"
      then, from another terminal or a mail server under test:
  smtp-audit send --server 127.0.0.1:2525 --from me@example.com --to you@example.org`)
    .action(async (flags: RawServeFlags) => {
      const format = flags.format.toLowerCase();
      if (format !== 'table' && format !== 'json') throw new UsageError(`serve --format must be table or json, not "${flags.format}"`);
      const listen = parseHostPort(flags.listen, '--listen', 2525, 0);
      if (!net.isIP(listen.host) && listen.host !== 'localhost') throw new UsageError(`--listen "${flags.listen}": give an IP address to listen on (such as 127.0.0.1 or ::1)`);
      if (flags.clientIp && !net.isIP(flags.clientIp)) throw new UsageError(`--client-ip "${flags.clientIp}" is not an IP address`);
      for (const spec of flags.resolver ?? []) {
        try { parseResolverSpec(spec); } catch (error) { throw new UsageError((error as Error).message); }
      }
      if (!/^\d+$/.test(flags.maxSize) || Number(flags.maxSize) < 1024) throw new UsageError(`--max-size must be a number of bytes, at least 1024, not "${flags.maxSize}"`);
      if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(flags.name)) throw new UsageError(`--name "${flags.name}" is not a host name`);
      if (Boolean(flags.cert) !== Boolean(flags.key)) throw new UsageError('--cert and --key go together');
      if (flags.cert && !flags.tls) throw new UsageError('--cert makes no sense with --no-tls');
      const tls = !flags.tls ? false as const : flags.cert ? { cert: readPem(flags.cert, '--cert'), key: readPem(flags.key!, '--key') } : null;
      const dir = flags.dir ?? mkdtempSync(join(tmpdir(), 'smtp-audit-serve-'));
      const folderProblem = prepareStoreFolder(dir);
      if (folderProblem) throw new UsageError(`--dir ${folderProblem}`);

      const debug = flags.verbose ? (line: string) => io.stderr.write(`${line}\n`) : undefined;
      const env = createAuditEnv({ resolvers: flags.resolver ?? [], debug });
      const write = (text: string) => io.stdout.write(text);

      let first: ReceivedMessage | null = null;
      let stopRequested: () => void = () => {};
      const stopped = new Promise<void>((resolve) => { stopRequested = resolve; });
      let server: RunningLoopbackServer;
      try {
        server = await startLoopbackServer({
          host: listen.host === 'localhost' ? '127.0.0.1' : listen.host,
          port: listen.port,
          serverName: flags.name,
          tls,
          auth: flags.auth,
          maxSize: Number(flags.maxSize),
          clientIp: flags.clientIp ?? null,
          resolver: env.resolver,
          clock: env.clock,
          onMessage: (message) => {
            const files = storeMessage(dir, message);
            write(format === 'json' ? `${JSON.stringify({ event: 'message', ...verdictRecord(message, files) })}\n` : `${renderArrival(message, files)}\n`);
            if (flags.once && !first) {
              first = message;
              stopRequested();
            }
          },
        });
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        if (e.code === 'EADDRINUSE') throw new UsageError(`--listen ${flags.listen}: the port is in use; choose another (port 0 picks a free one)`);
        if (e.code === 'EADDRNOTAVAIL' || e.code === 'EACCES') throw new UsageError(`--listen ${flags.listen}: cannot listen there (${e.code})`);
        throw error;
      }

      const onSignal = () => stopRequested();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const tlsText = server.certificate
        ? `STARTTLS with ${server.certificate.generated ? 'a self-signed certificate' : 'the --cert certificate'} (SHA-256 ${server.certificate.fingerprint256})`
        : 'no STARTTLS';
      const resolvers = (flags.resolver ?? []).length > 0 ? flags.resolver!.join(', ') : 'the system resolvers';
      if (format === 'json') {
        write(`${JSON.stringify({ event: 'listening', host: server.host, port: server.port, dir, tls: server.certificate, auth: flags.auth, resolvers: flags.resolver ?? [], once: flags.once === true })}\n`);
      } else {
        write(`smtp-audit serve: listening on ${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}\n`);
        write(`  ${tlsText}; ${flags.auth ? 'AUTH PLAIN and LOGIN, any credentials' : 'no AUTH'}; messages up to ${flags.maxSize} bytes\n`);
        write(`  messages are kept in ${dir}; DNS from ${resolvers}\n`);
        write(flags.once ? '  waiting for one message (--once)\n\n' : '  stop with Ctrl-C\n\n');
      }
      await stopped;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await server.stop(flags.once ? 5000 : 0);
      if (flags.once) {
        const message = first as ReceivedMessage | null;
        setExit(message && message.verdict.dmarc.result === 'pass' ? 0 : 1);
      } else {
        setExit(0);
      }
    });
}
