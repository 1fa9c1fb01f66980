// The verification workers: mailauth runs in a worker thread, its DNS goes through the parent's
// resolver (error codes included), a message that outlasts the time budget gets temperror with
// the reason and the next message a fresh worker, and nothing is left waiting after close().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DnsError, type RRType } from '../../src/net/dns/types.ts';
import { MessageVerifier, type VerifyJob } from '../../src/serve/message-verifier.ts';

const MESSAGE = Buffer.from('From: joe@send.example\r\nTo: carol@send.example\r\nSubject: hi\r\nMessage-ID: <1@send.example>\r\n\r\nhello\r\n');
const folded = (lines: number) => Buffer.from(`From: joe@send.example\r\nSubject: folded\r\nX-Folded: a${'\r\n b'.repeat(lines)}\r\n\r\nbody\r\n`);

const job = (message: Buffer): VerifyJob => ({ source: { bytes: message }, clientIp: '127.0.0.1', helo: 'client.test', mailFrom: 'joe@send.example', authservId: 'test.example' });

/** A resolver with SPF and DMARC for send.example that records what it was asked. */
function fakeResolver(failWith?: DnsError['code']) {
  const asked: string[] = [];
  const records: Record<string, string[][]> = {
    'TXT send.example': [['v=spf1 ip4:127.0.0.1 -all']],
    'TXT _dmarc.send.example': [['v=DMARC1; p=reject']],
  };
  return {
    asked,
    resolve(name: string, type: RRType): Promise<unknown> {
      asked.push(`${type} ${name}`);
      if (failWith) return Promise.reject(new DnsError(failWith, name, type));
      const found = records[`${type} ${name}`];
      return found ? Promise.resolve(found) : Promise.reject(new DnsError('ENOTFOUND', name, type));
    },
  };
}

test('the worker verifies through the parent\'s resolver: SPF and DMARC pass', async () => {
  const resolver = fakeResolver();
  const verifier = new MessageVerifier({ resolver, timeoutMs: 30_000 });
  try {
    const verdict = await verifier.verify(job(MESSAGE));
    assert.equal(verdict.error, null);
    assert.equal(verdict.spf.result, 'pass');
    assert.equal(verdict.spf.record, 'v=spf1 ip4:127.0.0.1 -all');
    assert.equal(verdict.dmarc.result, 'pass');
    assert.deepEqual(verdict.dkim, []);
    assert.ok(resolver.asked.includes('TXT send.example'), resolver.asked.join(', '));
    assert.ok(resolver.asked.includes('TXT _dmarc.send.example'), resolver.asked.join(', '));
    assert.match(verdict.headers, /^Authentication-Results: test\.example;/);
  } finally {
    await verifier.close();
  }
});

test('a lookup error keeps its code across the thread boundary: NXDOMAIN makes SPF none, SERVFAIL temperror', async () => {
  for (const [code, expected] of [['ENOTFOUND', 'none'], ['ESERVFAIL', 'temperror']] as const) {
    const verifier = new MessageVerifier({ resolver: fakeResolver(code), timeoutMs: 30_000 });
    try {
      const verdict = await verifier.verify(job(MESSAGE));
      assert.equal(verdict.error, null);
      assert.equal(verdict.spf.result, expected, code);
    } finally {
      await verifier.close();
    }
  }
});

test('past the time budget the worker is stopped and the verdict is temperror; the next message is verified', async () => {
  const verifier = new MessageVerifier({ resolver: fakeResolver(), timeoutMs: 1500, workers: 1 });
  try {
    // mailauth's header parser needs a minute and more for this one
    const slow = await verifier.verify(job(folded(150_000)));
    assert.equal(slow.error, 'verification took longer than 1500 ms');
    assert.deepEqual([slow.spf.result, slow.dkim.map((d) => d.result), slow.dmarc.result, slow.arc.result], ['temperror', ['temperror'], 'temperror', 'temperror']);
    assert.equal(slow.headers, 'Authentication-Results: test.example;\r\n spf=temperror (verification took longer than 1500 ms);\r\n dkim=temperror (verification took longer than 1500 ms);\r\n dmarc=temperror (verification took longer than 1500 ms)\r\n');
    const next = await verifier.verify(job(MESSAGE));
    assert.equal(next.error, null);
    assert.equal(next.dmarc.result, 'pass');
  } finally {
    await verifier.close();
  }
});

test('a message the worker cannot read: temperror with the reason, and the worker carries on', async () => {
  const verifier = new MessageVerifier({ resolver: fakeResolver(), timeoutMs: 30_000, workers: 1 });
  try {
    const missing = await verifier.verify({ ...job(MESSAGE), source: { file: '/nonexistent/smtp-audit/message.eml' } });
    assert.match(missing.error ?? '', /^verification failed: ENOENT/);
    assert.equal(missing.dmarc.result, 'temperror');
    assert.equal((await verifier.verify(job(MESSAGE))).dmarc.result, 'pass');
  } finally {
    await verifier.close();
  }
});

test('close(): messages being verified or waiting get temperror, later ones too', async () => {
  const verifier = new MessageVerifier({ resolver: fakeResolver(), timeoutMs: 60_000, workers: 1 });
  const running = verifier.verify(job(folded(150_000)));
  const waiting = verifier.verify(job(MESSAGE));
  await new Promise((resolve) => setTimeout(resolve, 300));
  await verifier.close();
  for (const verdict of await Promise.all([running, waiting, verifier.verify(job(MESSAGE))])) {
    assert.equal(verdict.error, 'not verified: the verifier was stopped');
  }
});
