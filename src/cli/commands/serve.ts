// `smtp-audit serve`: the loopback SMTP server. It accepts test messages, verifies SPF, DKIM,
// DMARC, ARC and BIMI on arrival through our resolver, keeps each message with its verdicts,
// and runs until Ctrl-C (or, with --once, until the first message: exit 0 when DMARC passed).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { Command, Option } from 'commander';
import { parseResolverSpec } from '../../net/dns/servers.ts';
import { DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_IP } from '../../serve/connection-limits.ts';
import { addLimitOptions, describeLimits, limitsFromFlags, parseBytes, parseCount, verifyTimeoutFromFlags, type RawLimitFlags } from '../../serve/limit-options.ts';
import { parseListenAddress } from '../../serve/listen-address.ts';
import type { ReceivedMessage, RunningLoopbackServer } from '../../serve/loopback-server.ts';
import { prepareStoreFolder } from '../../serve/message-store.ts';
import type { RunIo } from '../run-audits.ts';
import { UsageError } from '../usage-error.ts';

interface RawServeFlags extends RawLimitFlags {
  listen: string;
  dir?: string;
  resolver?: string[];
  clientIp?: string;
  name: string;
  cert?: string;
  key?: string;
  tls: boolean;
  auth: boolean;
  /** the old name of --max-message-size */
  maxSize?: string;
  maxConnections?: string;
  maxConnectionsPerIp?: string;
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
  const command = new Command('serve')
    .description('run the loopback SMTP server: accept test messages, verify SPF/DKIM/DMARC/ARC on arrival, keep each message and its verdicts')
    .option('--listen <host:port>', 'address to listen on (port 0: any free port)', '127.0.0.1:2525')
    .option('--dir <folder>', 'keep each message as <id>.eml and its verdicts as <id>.json here (default: a new folder in the system temp folder)')
    .option('--resolver <ip[:port]>', 'DNS server for SPF, DKIM, DMARC, ARC and BIMI lookups (repeatable; default: the system resolvers)', collect)
    .option('--client-ip <address>', 'evaluate SPF as if every message came from this address')
    .option('--name <host>', 'the server name: greeting and Authentication-Results authserv-id', 'smtp-audit.loopback')
    .option('--cert <file>', 'PEM certificate for STARTTLS (default: a self-signed one made at start)')
    .option('--key <file>', 'PEM private key for --cert')
    .option('--no-tls', 'do not offer STARTTLS')
    .option('--no-auth', 'do not offer AUTH (by default PLAIN and LOGIN are offered, with or without TLS, and any credentials are accepted)');
  addLimitOptions(command, 'largest message, announced as SIZE (RFC 1870)');
  command.addOption(new Option('--max-size <bytes>', 'the old name of --max-message-size').hideHelp());
  command
    .option('--max-connections <n>', `sessions at once; one more is answered 421 (default: ${DEFAULT_MAX_CONNECTIONS})`)
    .option('--max-connections-per-ip <n>', `sessions at once from one client address (default: ${DEFAULT_MAX_CONNECTIONS_PER_IP})`)
    .option('--once', 'exit after the first message: 0 when DMARC passed, 1 otherwise (for CI)')
    .option('--format <format>', 'table, or json (one JSON object per line: listening, then one per message)', 'table')
    .option('--verbose', 'log every DNS query to stderr');
  return command
    .addHelpText('after', `
The server relays nothing and looks nothing up except through --resolver (no reverse DNS). Each
message gets Authentication-Results (strict mode: every check follows its RFC) and the 250 reply
says "250 2.0.0 <id> spf=... dkim=... dmarc=...", so the sender sees the verdict in its own
transcript. The STARTTLS certificate is made in-process (ECDSA P-256, self-signed, covering the
--name, localhost, 127.0.0.1 and ::1); no openssl binary is needed.

A message over one of the --max-* limits is refused with "552 5.3.4" naming the limit, after the
client's final dot (it is read and thrown away, never kept in memory). Verification runs beside
the server with a time budget (--verify-timeout): a message that takes longer is kept with the
verdict temperror, and the server answers other clients meanwhile.

Examples:
  smtp-audit serve
  smtp-audit serve --listen 127.0.0.1:2525 --dir ./mail --resolver 192.0.2.53
  smtp-audit serve --once --client-ip 198.51.100.7 && echo "DMARC passes"
      then, from another terminal or a mail server under test:
  smtp-audit send --server 127.0.0.1:2525 --from me@example.com \\
    --to you@example.org`)
    .action(async (flags: RawServeFlags) => {
      const format = flags.format.toLowerCase();
      if (format !== 'table' && format !== 'json') throw new UsageError(`serve --format must be table or json, not "${flags.format}"`);
      const listen = parseListenAddress(flags.listen, 2525);
      if (flags.maxSize !== undefined && flags.maxMessageSize !== undefined) throw new UsageError('--max-size is the old name of --max-message-size: give one of them');
      const limits = limitsFromFlags(flags);
      if (flags.maxSize !== undefined) limits.maxMessageSize = parseBytes(flags.maxSize, '--max-size', 1024);
      const verifyTimeoutMs = verifyTimeoutFromFlags(flags);
      const maxConnections = flags.maxConnections === undefined ? DEFAULT_MAX_CONNECTIONS : parseCount(flags.maxConnections, '--max-connections', 1);
      const maxConnectionsPerIp = flags.maxConnectionsPerIp === undefined ? DEFAULT_MAX_CONNECTIONS_PER_IP : parseCount(flags.maxConnectionsPerIp, '--max-connections-per-ip', 1);
      if (flags.clientIp && !net.isIP(flags.clientIp)) throw new UsageError(`--client-ip "${flags.clientIp}" is not an IP address`);
      for (const spec of flags.resolver ?? []) {
        try { parseResolverSpec(spec); } catch (error) { throw new UsageError((error as Error).message); }
      }
      if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(flags.name)) throw new UsageError(`--name "${flags.name}" is not a host name`);
      if (Boolean(flags.cert) !== Boolean(flags.key)) throw new UsageError('--cert and --key go together');
      if (flags.cert && !flags.tls) throw new UsageError('--cert makes no sense with --no-tls');
      const tls = !flags.tls ? false as const : flags.cert ? { cert: readPem(flags.cert, '--cert'), key: readPem(flags.key!, '--key') } : null;
      const dir = flags.dir ?? mkdtempSync(join(tmpdir(), 'smtp-audit-serve-'));
      const folderProblem = prepareStoreFolder(dir);
      if (folderProblem) throw new UsageError(`--dir ${folderProblem}`);

      // the server and the mail libraries are loaded only now that serve really runs
      const [{ createAuditEnv }, { startLoopbackServer }, { storeMessageAsync, verdictRecord }, { renderArrival }] = await Promise.all([
        import('../../core/env.ts'),
        import('../../serve/loopback-server.ts'),
        import('../../serve/message-store.ts'),
        import('../../serve/render-verdict.ts'),
      ]);
      const debug = flags.verbose ? (line: string) => io.stderr.write(`${line}\n`) : undefined;
      const env = createAuditEnv({ resolvers: flags.resolver ?? [], debug });
      const write = (text: string) => io.stdout.write(text);

      let first: ReceivedMessage | null = null;
      let stopRequested: () => void = () => {};
      const stopped = new Promise<void>((resolve) => { stopRequested = resolve; });
      let server: RunningLoopbackServer;
      try {
        server = await startLoopbackServer({
          host: listen.host,
          port: listen.port,
          serverName: flags.name,
          tls,
          auth: flags.auth,
          maxSize: limits.maxMessageSize,
          limits,
          maxConnections,
          maxConnectionsPerIp,
          verifyTimeoutMs,
          clientIp: flags.clientIp ?? null,
          resolver: env.resolver,
          clock: env.clock,
          onMessage: async (message) => {
            const files = await storeMessageAsync(dir, message);
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
        write(`${JSON.stringify({ event: 'listening', host: server.host, port: server.port, dir, tls: server.certificate, auth: flags.auth, resolvers: flags.resolver ?? [], once: flags.once === true, limits, verifyTimeoutMs, maxConnections, maxConnectionsPerIp })}\n`);
      } else {
        write(`smtp-audit serve: listening on ${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}\n`);
        write(`  ${tlsText}; ${flags.auth ? 'AUTH PLAIN and LOGIN, any credentials' : 'no AUTH'}\n`);
        write(`  limits: ${describeLimits(limits)}\n`);
        write(`  verification up to ${verifyTimeoutMs} ms a message; ${maxConnections} sessions at once, ${maxConnectionsPerIp} per client address\n`);
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
