// Where a report file goes, decided before anything runs (so a bad path is a one-line usage
// error, exit 2, and never a half-written file), then written as a stream.
//
// What a path names decides how it is written:
// - `-`: standard output.
// - nothing yet: a temp file in the same folder, renamed onto the name when the run has
//   written everything (readers never see half a report; a failed run leaves nothing).
// - a regular file we may write: the same, and the new file gets the old one's permission
//   bits, owner and group. When that is impossible (another user's file that we may write,
//   such as a group-writable shared file; a file with several hard links; a folder we may not
//   create files in), the file is rewritten in place instead, from a temp file once the run
//   is complete: its inode, owner, mode and links stay as they were.
// - a regular file we may not write (read-only, or another user's): refused. Replacing it by
//   rename would succeed in a writable folder and silently change its owner and mode.
// - a character device or a FIFO (/dev/null, /dev/stderr, a named pipe): written through,
//   never replaced and never created. So is anything named under /dev or /proc.
// - a symbolic link: followed to the file it names, to which these rules apply; the link
//   stays. A link to nothing is refused (we create nothing through a link).
// - a folder, a block device or a socket: refused.
// Temp files are created with O_EXCL and O_NOFOLLOW under an unpredictable name, so a link
// planted at the temp name cannot redirect the write.
import { randomBytes } from 'node:crypto';
import {
  accessSync, chmodSync, chownSync, closeSync, constants, createReadStream, createWriteStream, fsyncSync, lstatSync,
  openSync, readlinkSync, realpathSync, renameSync, statSync, unlinkSync, writeSync, type Stats, type WriteStream,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import { finished, pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { UsageError } from './usage-error.ts';

export type OutputMode =
  /** standard output */
  | 'stdout'
  /** temp file + rename: a new file, or a replaced one with its mode and owner kept */
  | 'replace'
  /** temp file, then copied into the existing file (same inode) */
  | 'in-place'
  /** opened and written directly: devices, FIFOs, /dev and /proc paths */
  | 'through';

export interface OutputPlan {
  /** as the user wrote it (for messages) */
  file: string;
  mode: OutputMode;
  /** the path finally written (symbolic links resolved) */
  path: string;
  /** the file replaced, when there is one */
  existing: Stats | null;
}

const describe = (stats: Stats): string =>
  stats.isDirectory() ? 'a folder' : stats.isBlockDevice() ? 'a block device' : stats.isSocket() ? 'a socket' : 'not a regular file';

function canAccess(path: string, mode: number): boolean {
  try { accessSync(path, mode); return true; } catch { return false; }
}

function ownGroups(): number[] {
  return [process.getgid?.() ?? -1, ...(process.getgroups?.() ?? [])];
}

/** Whether a file made by us can be given `stats`' owner and group. */
function canKeepOwner(stats: Stats): boolean {
  const uid = process.getuid?.();
  if (uid === undefined) return true; // Windows: no owners to keep
  if (uid === 0) return true;
  return uid === stats.uid && ownGroups().includes(stats.gid);
}

function isUnderSystemFolder(path: string): boolean {
  return /^\/(dev|proc)(\/|$)/.test(path);
}

/**
 * Decides how `file` will be written, or throws a UsageError saying why it cannot be.
 * `flag` names the option in messages (--output, --save-facts, --format json:<file>).
 */
export function planOutput(file: string, flag = '--output'): OutputPlan {
  if (file === '-') return { file, mode: 'stdout', path: '-', existing: null };
  const cannot = (why: string) => new UsageError(`${flag} ${file}: cannot write it: ${why}`);
  const absolute = resolve(file);
  let stats: Stats | null;
  try {
    stats = lstatSync(absolute);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw cannot((error as NodeJS.ErrnoException).code ?? 'cannot be read');
    stats = null;
  }
  let path = absolute;
  if (stats?.isSymbolicLink()) {
    try {
      path = realpathSync(absolute);
    } catch {
      let target = '?';
      try { target = readlinkSync(absolute); } catch { /* unreadable link */ }
      throw cannot(`it is a symbolic link to ${target}, which does not exist`);
    }
    stats = statSync(path);
  }
  if (isUnderSystemFolder(absolute) || isUnderSystemFolder(path)) {
    if (stats === null) throw cannot('nothing by that name exists, and no file is created under /dev or /proc');
    if (stats.isDirectory()) throw cannot('it is a folder');
    if (!canAccess(path, constants.W_OK)) throw cannot('permission denied');
    return { file, mode: 'through', path, existing: stats };
  }
  if (stats === null) {
    const dir = dirname(absolute);
    let dirStats: Stats;
    try { dirStats = statSync(dir); } catch { throw cannot(`the folder ${dir} does not exist`); }
    if (!dirStats.isDirectory()) throw cannot(`${dir} is not a folder`);
    if (!canAccess(dir, constants.W_OK | constants.X_OK)) throw cannot(`the folder ${dir} is not writable`);
    return { file, mode: 'replace', path: absolute, existing: null };
  }
  if (stats.isCharacterDevice() || stats.isFIFO()) {
    if (!canAccess(path, constants.W_OK)) throw cannot('permission denied');
    return { file, mode: 'through', path, existing: stats };
  }
  if (!stats.isFile()) throw cannot(`it is ${describe(stats)}`);
  if (!canAccess(path, constants.W_OK)) {
    throw cannot(`the file is read-only for this user (mode ${(stats.mode & 0o7777).toString(8).padStart(4, '0')}, owner uid ${stats.uid}); it is not replaced`);
  }
  const dirWritable = canAccess(dirname(path), constants.W_OK | constants.X_OK);
  const mode: OutputMode = dirWritable && stats.nlink === 1 && canKeepOwner(stats) ? 'replace' : 'in-place';
  return { file, mode, path, existing: stats };
}

/** A file being written: `stream` takes the text; `commit()` puts it in place, `abort()` leaves nothing. */
export interface OutputFile {
  readonly plan: OutputPlan;
  readonly stream: Writable;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** A temp file beside `path` (so the rename stays on one file system), or in the system's temp folder when that folder is not writable (in-place writes). */
function tempName(path: string): string {
  const dir = canAccess(dirname(path), constants.W_OK | constants.X_OK) ? dirname(path) : tmpdir();
  return resolve(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

// fs.open takes numeric flags (O_EXCL, O_NOFOLLOW have no letter form); createWriteStream passes
// them on to fs.open, though its type names strings only
const streamFlags = (flags: number): string => flags as unknown as string;
const TEMP_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
const THROUGH_FLAGS = constants.O_WRONLY | (constants.O_NOCTTY ?? 0);

/** Gives a finished temp file the mode and owner of the file it replaces. */
function keepModeAndOwner(temp: string, existing: Stats): void {
  chmodSync(temp, existing.mode & 0o777);
  const uid = process.getuid?.();
  if (uid !== undefined && (uid === 0 || existing.gid !== process.getgid?.())) chownSync(temp, existing.uid, existing.gid);
}

async function closeStream(stream: WriteStream): Promise<void> {
  stream.end();
  await finished(stream);
}

/**
 * Opens a planned output for streaming. `stdout` is used for plans of mode stdout; the caller
 * keeps writing to `stream` (respecting backpressure) and calls commit() or abort() once.
 */
export function openOutput(plan: OutputPlan, stdout: Writable): OutputFile {
  if (plan.mode === 'stdout') {
    return { plan, stream: stdout, commit: async () => {}, abort: async () => {} };
  }
  if (plan.mode === 'through') {
    // a regular file reached through /dev or /proc (`--output /dev/stdout` into a file) is truncated as the shell would
    const flags = THROUGH_FLAGS | (plan.existing?.isFile() ? constants.O_TRUNC : 0);
    const stream = createWriteStream(plan.path, { flags: streamFlags(flags) });
    return {
      plan, stream,
      commit: () => closeStream(stream),
      abort: async () => { stream.destroy(); },
    };
  }
  const temp = tempName(plan.path);
  // flush: fsync before close, so the rename never publishes a file whose data is not on disk
  const stream = createWriteStream(temp, { flags: streamFlags(TEMP_FLAGS), mode: plan.existing ? 0o600 : 0o666, flush: true });
  let settled = false;
  const removeTemp = () => { try { unlinkSync(temp); } catch { /* never created, or gone */ } };
  return {
    plan, stream,
    async commit() {
      if (settled) return;
      settled = true;
      try {
        await closeStream(stream);
        if (plan.mode === 'replace') {
          if (plan.existing) keepModeAndOwner(temp, plan.existing);
          renameSync(temp, plan.path);
        } else {
          await pipeline(createReadStream(temp), createWriteStream(plan.path, { flags: streamFlags(constants.O_WRONLY | constants.O_TRUNC) }));
          removeTemp();
        }
      } catch (error) {
        removeTemp();
        throw error;
      }
    },
    async abort() {
      if (settled) return;
      settled = true;
      stream.destroy();
      await new Promise<void>((done) => { stream.once('close', () => done()); if (stream.closed) done(); });
      removeTemp();
    },
  };
}

/** Writes all of `text` to a planned output at once (small outputs: diff, merge summaries). */
export function writeOutputSync(plan: OutputPlan, text: string, stdoutFd = 1): void {
  if (plan.mode === 'stdout') { writeAll(stdoutFd, text); return; }
  if (plan.mode === 'through' || plan.mode === 'in-place') {
    const fd = openSync(plan.path, (plan.mode === 'through' ? THROUGH_FLAGS : constants.O_WRONLY) | (plan.existing?.isFile() ? constants.O_TRUNC : 0));
    try { writeAll(fd, text); } finally { closeSync(fd); }
    return;
  }
  const temp = tempName(plan.path);
  try {
    const fd = openSync(temp, TEMP_FLAGS, plan.existing ? 0o600 : 0o666);
    try { writeAll(fd, text); fsyncSync(fd); } finally { closeSync(fd); }
    if (plan.existing) keepModeAndOwner(temp, plan.existing);
    renameSync(temp, plan.path);
  } catch (error) {
    try { unlinkSync(temp); } catch { /* nothing to clean */ }
    throw error;
  }
}

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (error) {
      // a non-blocking stdout pipe that is full: wait for the reader
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}
