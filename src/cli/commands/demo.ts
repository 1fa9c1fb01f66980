// `smtp-audit demo`: audit the sample domains on the built-in offline network, through the
// same code path as a real audit (only the resolver and --connect-to point at loopback).
import { Command } from 'commander';
import { createAuditEnv } from '../../core/env.ts';
import { startDemoNetwork } from '../../testnet/demo-network.ts';

/** fixtures/demo/bl.demo.example.zone: a blocklist that lists broken.example's open relay */
const DEMO_BLOCKLIST_ZONE = 'bl.demo.example';
/** fixtures/demo/dbl.demo.example.zone: a domain blocklist */
const DEMO_DOMAIN_BLOCKLIST_ZONE = 'dbl.demo.example';
import { parseAuditFlags } from '../audit-options.ts';
import { collectTargets } from '../domains.ts';
import { runAudits, type RunIo } from '../run-audits.ts';

export function demoCommand(io: RunIo, setExit: (code: number) => void): Command {
  return new Command('demo')
    .option('--format <format>', 'output format: table, json, ndjson, markdown, junit, sarif', 'table')
    .option('--only <ids|areas>', 'run only these check ids or areas', (v: string, p: string[] = []) => [...p, v])
    .option('--no-color', 'no ANSI colours')
    .option('--verbose', 'log every DNS query to stderr; show all evidence')
    .addHelpText('after', `
The demo needs no network: it starts a DNS server and mail servers on 127.0.0.1, audits
good.example (clean), broken.example (several problems), nomail.example (null MX) and
implicit.example (no MX), prints the reports and stops everything. It exits 0 when the demo
ran, whatever the sample domains' verdicts.

Examples:
  smtp-audit demo
  smtp-audit demo --format json | jq '.[] | {domain, summary}'`)
    .action(async (flags: { format: string; color: boolean; verbose?: boolean; only?: string[] }) => {
      const network = await startDemoNetwork();
      try {
        const settings = parseAuditFlags({
          format: flags.format, color: flags.color, verbose: flags.verbose, only: flags.only,
          resolver: [network.resolver], connectTo: network.connectTo, failOn: 'never', timeout: '3000', greetingTimeout: '3000',
          // the shipped blocklists are real zones that the offline network cannot answer: use the demo's own list
          dnsbl: [`${DEMO_BLOCKLIST_ZONE}:ip`, `${DEMO_DOMAIN_BLOCKLIST_ZONE}:domain`], defaultDnsbls: false,
        });
        // the MTA-STS policy fetch trusts the demo's policy server certificate (RFC 8461 3.3 checks still apply)
        settings.options.extra = { ...settings.options.extra, trustedCa: network.trustedCa };
        const debug = settings.verbose ? (line: string) => io.stderr.write(`${line}\n`) : undefined;
        const env = createAuditEnv({ resolvers: settings.resolvers, connectTo: settings.connectTo, dnsTimeoutMs: 2000, debug });
        await runAudits(collectTargets(network.domains), settings, env, io);
        setExit(0);
      } finally {
        await network.stop();
      }
    });
}
