// The flags that set the message limits and the verification time budget, shared by `serve`
// and `inspect` so both spell and check them the same way. Only commander and the limits table
// are imported here: the command files stay light until their action runs.
import { Option, type Command } from 'commander';
import { UsageError } from '../cli/usage-error.ts';
import { DEFAULT_MESSAGE_LIMITS, LIMIT_OPTIONS, type MessageLimits } from './message-limits.ts';

/** How long one message's verification may take before its worker is stopped (ms). */
export const DEFAULT_VERIFY_TIMEOUT_MS = 30_000;

export type RawLimitFlags = { [K in keyof MessageLimits]?: string } & { verifyTimeout?: string };

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 * 1024, g: 1024 * 1024 * 1024 };

/** 26214400, 25M or 25MiB (K, M, G are powers of 1024). */
function humanBytes(n: number): string {
  for (const [suffix, size] of [['G', UNITS.g!], ['M', UNITS.m!], ['K', UNITS.k!]] as const) {
    if (n >= size && n % size === 0) return `${n / size}${suffix}`;
  }
  return String(n);
}

/** A positive whole number of bytes, with an optional K, M or G (KiB, MiB, GiB) suffix. */
export function parseBytes(text: string, flag: string, min: number): number {
  const m = /^(\d{1,15})\s*([kmg]?)(?:i?b)?$/i.exec(text.trim());
  const value = m ? Number(m[1]) * UNITS[m[2]!.toLowerCase()]! : NaN;
  if (!Number.isSafeInteger(value) || value < min) throw new UsageError(`${flag} must be a number of bytes (K, M and G suffixes allowed), at least ${min}, not "${text}"`);
  return value;
}

export function parseCount(text: string, flag: string, min: number): number {
  const value = /^\d{1,9}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(value) || value < min) throw new UsageError(`${flag} must be a whole number, at least ${min}, not "${text}"`);
  return value;
}

/** Adds the five limit flags and --verify-timeout; `sizeHelp` replaces the message size line. */
export function addLimitOptions(command: Command, sizeHelp?: string): Command {
  for (const option of LIMIT_OPTIONS) {
    const fallback = DEFAULT_MESSAGE_LIMITS[option.limit];
    const description = option.limit === 'maxMessageSize' && sizeHelp ? sizeHelp : option.description;
    const shown = option.unit === 'bytes' ? humanBytes(fallback) : String(fallback);
    command.addOption(new Option(`${option.flag} <${option.unit}>`, `${description} (default: ${shown})`));
  }
  command.addOption(new Option('--verify-timeout <ms>', `time budget for verifying one message; past it the verdict is temperror (default: ${DEFAULT_VERIFY_TIMEOUT_MS})`));
  return command;
}

export function limitsFromFlags(flags: RawLimitFlags): MessageLimits {
  const limits: MessageLimits = { ...DEFAULT_MESSAGE_LIMITS };
  for (const option of LIMIT_OPTIONS) {
    const raw = flags[option.limit];
    if (raw === undefined) continue;
    limits[option.limit] = option.unit === 'bytes' ? parseBytes(raw, option.flag, option.min) : parseCount(raw, option.flag, option.min);
  }
  return limits;
}

export function verifyTimeoutFromFlags(flags: RawLimitFlags): number {
  return flags.verifyTimeout === undefined ? DEFAULT_VERIFY_TIMEOUT_MS : parseCount(flags.verifyTimeout, '--verify-timeout', 100);
}

/** 25 MiB, 100 KiB, 1000 bytes. */
function readableBytes(n: number): string {
  const short = humanBytes(n);
  return /[KMG]$/.test(short) ? `${short.slice(0, -1)} ${short.slice(-1)}iB` : `${n} bytes`;
}

/** `messages up to 25 MiB; header up to ...` for the start-up banner. */
export function describeLimits(limits: MessageLimits): string {
  return `messages up to ${readableBytes(limits.maxMessageSize)}; header up to ${limits.maxHeaderLines} lines, ${limits.maxHeaderFields} fields, ${readableBytes(limits.maxHeaderFieldSize)} a field; lines up to ${readableBytes(limits.maxLineLength)}`;
}
