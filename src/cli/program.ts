// The command line: commander, thin over audit(). Every usage problem is one line on stderr
// and exit code 2; --help and --version exit 0. Only the command that runs is imported
// (src/cli/commands/index.ts); the others appear in the help by name and summary alone.
import { Command, CommanderError } from 'commander';
import { wrapHelp } from '../report/wrap-help.ts';
import { terminalWidth } from '../report/wrap-text.ts';
import { sanitizeRemoteText } from '../util/sanitize.ts';
import { VERSION } from '../version.ts';
import { COMMANDS, commandFor } from './commands/index.ts';
import type { RunIo } from './run-audits.ts';
import { suggestCommand } from './suggest-command.ts';
import { UsageError } from './usage-error.ts';

/** One line for stderr: commander's text without its "error:" prefix, control bytes made visible. */
function oneLine(text: string): string {
  return `smtp-audit: ${sanitizeRemoteText(text.replace(/^error: /, '').trim())}\n`;
}

/**
 * Every command's output goes through here: errors become one line on stderr, and help is laid
 * out for the terminal's width (80 columns when stdout is not a terminal): commander wraps the
 * option descriptions to it, wrapHelp reflows the prose each command adds after them.
 */
function configure(command: Command, io: RunIo): Command {
  const width = terminalWidth(io.stdout);
  return command.exitOverride().configureOutput({
    getOutHelpWidth: () => width,
    getErrHelpWidth: () => width,
    writeOut: (text) => io.stdout.write(wrapHelp(text, width)),
    writeErr: (text) => io.stderr.write(text),
    outputError: (text, write) => write(oneLine(text)),
  });
}

/** Builds the program for `argv`, loading the one command it runs (none for bare --help/--version). */
export async function buildProgram(io: RunIo, setExit: (code: number) => void, argv: readonly string[]): Promise<Command> {
  const program = configure(new Command('smtp-audit'), io)
    .description('Audit a domain\'s email deliverability and DNS authentication, and prove it with real test sends.')
    .usage('[audit] <domain...> [options]  |  <command> [options]')
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError(true);
  program.addHelpText('after', `
Audit options (--format, --fail-on, --only, ...): smtp-audit audit --help
Help on any command: smtp-audit <command> --help

Examples:
  smtp-audit example.com                audit one domain: MX, PTR, SMTP, TLS,
                                        SPF, DKIM, DMARC, MTA-STS, blocklists
  smtp-audit example.com --format json  the JSON report (see schema/)
  smtp-audit demo                       a full report on an offline network
  smtp-audit checks                     every check, what it asserts, its RFC
  smtp-audit send --loopback --from a@example.com --to b@example.com
                                        send and verify one message locally
  smtp-audit serve --listen 127.0.0.1:2525
                                        a loopback server that judges arrivals
  smtp-audit inspect message.eml        verify a saved message, trace its route
  smtp-audit diff old.json new.json     what got better or worse between runs

Exit codes: 0 clean, 1 a check at or above --fail-on, 2 usage error,
3 incomplete (a check could not be determined).`);
  const chosen = commandFor(argv);
  for (const entry of COMMANDS) {
    const command = entry.name === chosen
      ? (await entry.load())(io, setExit)
      // a stand-in that only names the command in the help; it never runs
      : entry.operands ? new Command(entry.name).arguments(entry.operands) : new Command(entry.name);
    configure(command.description(entry.summary), io);
    program.addCommand(command, entry.name === 'audit' ? { isDefault: true } : undefined);
  }
  return program;
}

/** Runs the CLI; resolves with the exit code. Never calls process.exit itself. */
export async function runCli(argv: string[], io: RunIo): Promise<number> {
  let exitCode = 0;
  try {
    const mistyped = suggestCommand(argv[0], COMMANDS.map((c) => c.name));
    if (mistyped) throw new UsageError(mistyped);
    const program = await buildProgram(io, (code) => { exitCode = code; }, argv);
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      return 2; // commander already printed its one-line message
    }
    if (error instanceof UsageError) {
      io.stderr.write(oneLine(error.message));
      return 2;
    }
    // A bug of ours: one line, exit 2. The stack is for bug reports, on request.
    const message = error instanceof Error ? error.message : String(error);
    const stack = process.env.SMTP_AUDIT_DEBUG && error instanceof Error && error.stack ? `\n${error.stack}` : ' (set SMTP_AUDIT_DEBUG=1 for the stack trace)';
    io.stderr.write(`${oneLine(`internal error: ${message}`).trimEnd()}${stack}\n`);
    return 2;
  }
}
