import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DNSBL_QUERIES_PER_ZONE, ZoneLimiter, zoneLimiterFor } from '../../src/dnsbl/zone-limiter.ts';

/** Jobs that wait until the test releases them one by one. */
function gate() {
  const releases: Array<() => void> = [];
  const job = () => new Promise<void>((resolve) => releases.push(resolve));
  return { job, releases };
}

const tick = () => new Promise((r) => setImmediate(r));

test('at most perZone jobs of one zone run at once; the rest start as places free up, in order', async () => {
  const limiter = new ZoneLimiter(2);
  const { job, releases } = gate();
  const started: number[] = [];
  const runs = [0, 1, 2, 3, 4].map((i) => limiter.run('a.example', async () => { started.push(i); await job(); return i; }));
  await tick();
  assert.deepEqual(started, [0, 1]);
  assert.equal(limiter.inFlight('a.example'), 2);
  releases[0]!();
  await tick();
  assert.deepEqual(started, [0, 1, 2], 'one finished, one more started');
  assert.equal(limiter.inFlight('a.example'), 2);
  releases[1]!(); releases[2]!();
  await tick();
  assert.deepEqual(started, [0, 1, 2, 3, 4]);
  releases[3]!(); releases[4]!();
  assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3, 4]);
  assert.equal(limiter.inFlight('a.example'), 0);
});

test('different zones do not wait for each other', async () => {
  const limiter = new ZoneLimiter(1);
  const { job, releases } = gate();
  const started: string[] = [];
  const a = limiter.run('a.example', async () => { started.push('a'); await job(); });
  const b = limiter.run('b.example', async () => { started.push('b'); await job(); });
  await tick();
  assert.deepEqual(started.sort(), ['a', 'b']);
  for (const r of releases) r();
  await Promise.all([a, b]);
});

test('a job that throws frees its place and the error reaches the caller', async () => {
  const limiter = new ZoneLimiter(1);
  await assert.rejects(limiter.run('a.example', async () => { throw new Error('boom'); }), /boom/);
  assert.equal(await limiter.run('a.example', async () => 'next'), 'next');
  assert.equal(limiter.inFlight('a.example'), 0);
});

test('one limiter per owner (the run resolver), with the default of 4 per zone', () => {
  const owner = {};
  assert.equal(zoneLimiterFor(owner), zoneLimiterFor(owner));
  assert.notEqual(zoneLimiterFor(owner), zoneLimiterFor({}));
  assert.equal(zoneLimiterFor(owner).perZone, DNSBL_QUERIES_PER_ZONE);
  assert.equal(DNSBL_QUERIES_PER_ZONE, 4);
  assert.throws(() => new ZoneLimiter(0), /at least 1/);
});
