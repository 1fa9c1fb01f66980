// The command line: commander, thin over audit(). Every usage problem is one line on stderr
// and exit code 2; --help and --version exit 0.
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.ts';
import { auditCommand } from './commands/audit.ts';
import { COMMANDS } from './commands/index.ts';
import type { RunIo } from './run-audits.ts';
import { UsageError } from './usage-error.ts';

export function buildProgram(io: RunIo, setExit: (code: number) => void): Command {
  const program = new Command('smtp-audit')
    .description('Audit a domain\'s email deliverability and DNS authentication, and prove it with real test sends.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`smtp-audit: ${text.replace(/^error: /, '').trim()}\n`),
    });
  program.addHelpText('after', `
Examples:
  smtp-audit example.com                     audit one domain (MX, PTR, SMTP, TLS, SPF, DKIM, DMARC, ...)
  smtp-audit example.com --format json       the JSON report (schema: schema/report.schema.json)
  smtp-audit demo                            a full report on a built-in offline network
  smtp-audit checks                          every check id, what it asserts, its RFC
  smtp-audit send --loopback --from a@example.com --to b@example.com --dkim-key key.pem --dkim-selector s1
                                             sign, send and verify one message on this machine
  smtp-audit serve --listen 127.0.0.1:2525   a loopback SMTP server that judges SPF/DKIM/DMARC/ARC on arrival
  smtp-audit inspect message.eml             verify a saved message and trace its route
  smtp-audit diff old.json new.json          what got better or worse between two reports

Exit codes: 0 clean, 1 a check at or above --fail-on, 2 usage error, 3 incomplete.`);
  for (const command of [auditCommand(io, setExit), ...COMMANDS.map((make) => make(io, setExit))]) {
    command.exitOverride().configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`smtp-audit: ${text.replace(/^error: /, '').trim()}\n`),
    });
    program.addCommand(command, command.name() === 'audit' ? { isDefault: true } : undefined);
  }
  return program;
}

/** Runs the CLI; resolves with the exit code. Never calls process.exit itself. */
export async function runCli(argv: string[], io: RunIo): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => { exitCode = code; });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      return 2; // commander already printed its one-line message
    }
    if (error instanceof UsageError) {
      io.stderr.write(`smtp-audit: ${error.message}\n`);
      return 2;
    }
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr.write(`smtp-audit: internal error: ${message}\n`);
    return 2;
  }
}
