// Every subcommand besides the default `audit`, in help order. Each lives in its own file.
import type { Command } from 'commander';
import type { RunIo } from '../run-audits.ts';
import { checksCommand } from './checks.ts';
import { demoCommand } from './demo.ts';
import { diffCommand } from './diff.ts';
import { inspectCommand } from './inspect.ts';
import { sendCommand } from './send.ts';
import { serveCommand } from './serve.ts';

export type CommandFactory = (io: RunIo, setExit: (code: number) => void) => Command;

export const COMMANDS: CommandFactory[] = [
  checksCommand,
  demoCommand,
  sendCommand,
  serveCommand,
  inspectCommand,
  diffCommand,
];
