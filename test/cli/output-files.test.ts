// --output (and --format fmt:file, --save-facts) never destroys what its path names: devices
// and FIFOs are written through, links are followed and kept, a file that could not be
// written otherwise is refused (one line, exit 2, untouched), a replaced file keeps its mode
// and owner, hard links stay linked, and no temp file is left behind. Through the real bin.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync, chownSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync,
  readlinkSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { BIN, runBin, type BinResult } from '../support/run-bin.ts';

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());

const audit = () => ['clean.example', '--resolver', dns.address, '--no-smtp', '--only', 'mx', '--no-config'];
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

/** The bin as another user (root only), with the network guard preloaded as runBin does. */
function runBinAs(uid: number, args: string[], cwd: string): Promise<BinResult> {
  const guard = new URL('../support/guard.ts', import.meta.url).pathname;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { uid, gid: uid, cwd, env: { ...process.env, NODE_OPTIONS: `--import ${guard}` } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EACCES'
      ? new Error(`uid ${uid} cannot run ${process.execPath}: as root, this test needs the repository and its node_modules in folders every user may enter`, { cause: error })
      : error));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-output-'));
  chmodSync(dir, 0o777); // also writable for the unprivileged user of the root-only cases
  return dir;
}

/** No `.name.pid.random.tmp` file left in `dir`. */
function assertNoTemp(dir: string): void {
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temp file left behind');
}

test('--output to a character device (/dev/null) writes through: it stays a device', async () => {
  // As root the device is a copy of /dev/null (same major and minor) made in a temp folder: a
  // regression of the old bug (the device replaced by a regular file) must never hit the real
  // /dev/null of the machine running the tests. Without root, /dev/null itself is safe to use.
  let device = '/dev/null';
  if (isRoot) {
    device = join(folder(), 'null');
    execFileSync('mknod', ['-m', '666', device, 'c', '1', '3']);
  }
  const before = statSync(device);
  const r = await runBin([...audit(), '--format', 'json', '--output', device]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  const after = statSync(device);
  assert.ok(after.isCharacterDevice(), 'still a character device');
  assert.equal(after.rdev, before.rdev);
  assert.equal(after.ino, before.ino);
});

test('--output to a FIFO writes through to its reader; the FIFO stays a FIFO', async () => {
  const dir = folder();
  const fifo = join(dir, 'reports.fifo');
  execFileSync('mkfifo', [fifo]);
  // the reader is a process of its own, so that a FIFO replaced by a file (the old bug, which
  // leaves the reader waiting for a writer for ever) ends in a failed assertion, not a hang
  const reader = spawn('cat', [fifo]);
  let received = '';
  reader.stdout.setEncoding('utf8').on('data', (d: string) => { received += d; });
  const readerDone = new Promise<boolean>((resolve) => reader.on('close', () => resolve(true)));
  const r = await runBin([...audit(), '--format', 'json', '--output', fifo]);
  const ended = await Promise.race([readerDone, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5000))]);
  if (!ended) reader.kill();
  assert.equal(r.code, 0, r.stderr);
  assert.ok(ended, 'the reader got the end of the report');
  assert.equal(JSON.parse(received).domain, 'clean.example');
  assert.ok(lstatSync(fifo).isFIFO());
  assertNoTemp(dir);
});

test('--output through a symbolic link writes the file it names and keeps the link', async () => {
  const dir = folder();
  mkdirSync(join(dir, 'real'));
  const target = join(dir, 'real', 'report.json');
  writeFileSync(target, 'old\n');
  chmodSync(target, 0o640);
  const link = join(dir, 'report.json');
  symlinkSync(target, link);
  const r = await runBin([...audit(), '--format', 'json', '--output', link]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(lstatSync(link).isSymbolicLink(), 'the link is still a link');
  assert.equal(readlinkSync(link), target);
  assert.equal(JSON.parse(readFileSync(target, 'utf8')).domain, 'clean.example');
  assert.equal(statSync(target).mode & 0o777, 0o640, 'the target keeps its mode');
  assertNoTemp(dir);
  assertNoTemp(join(dir, 'real'));
});

test('a link to nothing, a folder and a missing folder are refused: one line, exit 2, nothing created', async () => {
  const dir = folder();
  const dangling = join(dir, 'dangling.json');
  symlinkSync(join(dir, 'nowhere', 'x.json'), dangling);
  for (const [path, why] of [[dangling, /symbolic link to .*nowhere.*which does not exist/], [dir, /it is a folder/], [join(dir, 'no', 'r.json'), /folder .* does not exist/]] as const) {
    const r = await runBin([...audit(), '--format', 'json', '--output', path]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, why);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    assert.equal(r.stdout, '');
  }
  assert.deepEqual(readdirSync(dir).sort(), ['dangling.json']);
});

test('a file this user could not otherwise write is refused and left as it was', async () => {
  const dir = folder();
  const file = join(dir, 'report.json');
  writeFileSync(file, 'keep me\n');
  let r;
  if (isRoot) {
    // root may write anything: the case is another user's file in a folder everyone may write
    chmodSync(file, 0o644);
    r = await runBinAs(NOBODY, [...audit(), '--format', 'json', '--output', file], dir);
  } else {
    chmodSync(file, 0o444);
    r = await runBin([...audit(), '--format', 'json', '--output', file]);
  }
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--output .*report\.json: cannot write it: the file is read-only for this user/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.equal(readFileSync(file, 'utf8'), 'keep me\n');
  const stats = statSync(file);
  assert.equal(stats.uid, process.getuid?.() ?? stats.uid, 'owner unchanged');
  assertNoTemp(dir);
});

test('a replaced file keeps its mode and owner (and --format fmt:file and --save-facts follow the same rules)', async () => {
  const dir = folder();
  const report = join(dir, 'report.sarif');
  const facts = join(dir, 'facts.json');
  for (const file of [report, facts]) {
    writeFileSync(file, 'old\n');
    chmodSync(file, 0o640);
    if (isRoot) chownSync(file, NOBODY, NOBODY);
  }
  const r = await runBin([...audit(), '--format', `sarif:${report}`, '--save-facts', facts]);
  assert.equal(r.code, 0, r.stderr);
  for (const file of [report, facts]) {
    const stats = statSync(file);
    assert.equal(stats.mode & 0o777, 0o640, `${file} keeps its mode`);
    if (isRoot) assert.equal(stats.uid, NOBODY, `${file} keeps its owner`);
    assert.ok(readFileSync(file, 'utf8').length > 100);
  }
  assert.equal(JSON.parse(readFileSync(facts, 'utf8')).audits[0].target, 'clean.example');
  assertNoTemp(dir);
});

test('a file with another hard link is rewritten in place: both names see the report', async () => {
  const dir = folder();
  const file = join(dir, 'report.json');
  const other = join(dir, 'also.json');
  writeFileSync(file, 'old\n');
  linkSync(file, other);
  const inode = statSync(file).ino;
  const r = await runBin([...audit(), '--format', 'json', '--output', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(statSync(file).ino, inode, 'same inode');
  assert.equal(JSON.parse(readFileSync(other, 'utf8')).domain, 'clean.example');
  assertNoTemp(dir);
});

test('- is standard output, for --output and for --format fmt:-', async () => {
  const r = await runBin([...audit(), '--format', 'json', '--output', '-']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).domain, 'clean.example');
  const dir = folder();
  const both = await runBin([...audit(), '--format', 'ndjson:-', '--format', `json:${join(dir, 'r.json')}`]);
  assert.equal(both.code, 0, both.stderr);
  assert.equal(JSON.parse(both.stdout.trim()).domain, 'clean.example');
  assert.equal(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).domain, 'clean.example');
  const two = await runBin([...audit(), '--format', 'table', '--format', 'json:-']);
  assert.equal(two.code, 2);
  assert.match(two.stderr, /only one format can go to stdout/);
  assert.equal(readdirSync(process.cwd()).includes('-'), false, 'no file named -');
});
