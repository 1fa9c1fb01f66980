// Every command, in help order, with the one-line summary that `smtp-audit --help` shows.
// Each lives in its own file and is imported only when it runs: `smtp-audit --version` or
// `smtp-audit checks` must not load the mail libraries that `send` and `serve` need
// (start-up time is part of speed). The summary lives here, not in the command file, so the
// help can list every command without loading any.
import type { Command } from 'commander';
import type { RunIo } from '../run-audits.ts';

export type CommandFactory = (io: RunIo, setExit: (code: number) => void) => Command;

export interface CommandEntry {
  name: string;
  /** operands as commander writes them, for the help's command list */
  operands: string;
  summary: string;
  load(): Promise<CommandFactory>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'audit', operands: '[domains...]',
    summary: 'audit domains: DNS facts plus a live SMTP probe of every MX address (the default command)',
    load: async () => (await import('./audit.ts')).auditCommand,
  },
  {
    name: 'checks', operands: '',
    summary: 'list every check: id, area, what it asserts, the RFC that decides it',
    load: async () => (await import('./checks.ts')).checksCommand,
  },
  {
    name: 'demo', operands: '',
    summary: 'audit sample domains on a built-in offline network (fixture DNS and MTAs on loopback)',
    load: async () => (await import('./demo.ts')).demoCommand,
  },
  {
    name: 'send', operands: '',
    summary: 'send one test message and print a timed, annotated SMTP transcript',
    load: async () => (await import('./send.ts')).sendCommand,
  },
  {
    name: 'serve', operands: '',
    summary: 'run the loopback SMTP server: accept test messages, verify SPF/DKIM/DMARC/ARC on arrival, keep each message and its verdicts',
    load: async () => (await import('./serve.ts')).serveCommand,
  },
  {
    name: 'inspect', operands: '<file.eml>',
    summary: 'verify a received message (DKIM, ARC, SPF, DMARC) and trace its hops from its headers',
    load: async () => (await import('./inspect.ts')).inspectCommand,
  },
  {
    name: 'merge', operands: '<files...>',
    summary: 'combine the reports of sharded runs (--shard K/N --format ndjson) into one report or a summary',
    load: async () => (await import('./merge.ts')).mergeCommand,
  },
  {
    name: 'diff', operands: '<old> <new>',
    summary: 'compare two JSON reports: what got better, worse, new or resolved (exit 1 when anything got worse)',
    load: async () => (await import('./diff.ts')).diffCommand,
  },
];

/**
 * The command an argument list runs, the way commander dispatches with a default command: the
 * first word when it names a command, the command after `help`, nothing for bare
 * --help/--version, and `audit` for anything else (a domain, or an audit option).
 */
export function commandFor(argv: readonly string[]): string | null {
  const names = new Set(COMMANDS.map((c) => c.name));
  const first = argv[0];
  if (first !== undefined && names.has(first)) return first;
  if (first === 'help') return argv[1] !== undefined && names.has(argv[1]) ? argv[1] : null;
  if (first === '-h' || first === '--help' || first === '-V' || first === '--version') return null;
  return 'audit';
}
