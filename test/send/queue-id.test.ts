// Where servers put the queue id in the final reply to DATA.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queueIdFrom } from '../../src/send/run-send.ts';
import { parseReplyVerdicts } from '../../src/serve/auth-verdict.ts';

test('queue ids from Postfix, Exim, Microsoft, Sendmail and our loopback server', () => {
  assert.equal(queueIdFrom('250 2.0.0 Ok: queued as 4XyZ12AbCd'), '4XyZ12AbCd');
  assert.equal(queueIdFrom('250 OK id=1tEr9k-000Abc-2F'), '1tEr9k-000Abc-2F');
  assert.equal(queueIdFrom('250 2.6.0 <a@b> [InternalId=1234567890, Hostname=X] Queued mail for delivery'), '1234567890');
  assert.equal(queueIdFrom('250 2.0.0 5ANA1x2B012345 Message accepted for delivery'), '5ANA1x2B012345');
  assert.equal(queueIdFrom('250 2.0.0 MWT9D8Y81255B230 spf=pass dkim=pass dmarc=pass'), 'MWT9D8Y81255B230');
  assert.equal(queueIdFrom('250 Ok'), null);
  assert.equal(queueIdFrom('250 2.0.0 Message accepted'), null);
  assert.equal(queueIdFrom(null), null);
});

test('verdict words in a reply', () => {
  assert.deepEqual(parseReplyVerdicts('250 2.0.0 ID spf=softfail dkim=none dmarc=fail'), { spf: 'softfail', dkim: 'none', dmarc: 'fail' });
  assert.equal(parseReplyVerdicts('250 2.0.0 Ok: queued as X'), null);
});
