// When the password may go out: over TLS, AUTH offered, a mechanism in common; or plaintext
// only with --allow-plaintext-auth. Everything else is a stop, with the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authDecision } from '../../src/send/auth-policy.ts';

test('the decision table', () => {
  const cases: Array<[Parameters<typeof authDecision>[0], string]> = [
    [{ encrypted: true, offered: ['PLAIN', 'LOGIN'], requested: null, allowPlaintext: false }, 'send PLAIN'],
    [{ encrypted: true, offered: ['LOGIN', 'CRAM-MD5'], requested: null, allowPlaintext: false }, 'send LOGIN'],
    [{ encrypted: true, offered: ['CRAM-MD5'], requested: null, allowPlaintext: false }, 'send CRAM-MD5'],
    [{ encrypted: true, offered: ['PLAIN', 'LOGIN'], requested: 'LOGIN', allowPlaintext: false }, 'send LOGIN'],
    [{ encrypted: true, offered: ['PLAIN'], requested: 'LOGIN', allowPlaintext: false }, 'stop ENOMECH'],
    [{ encrypted: true, offered: ['SCRAM-SHA-256', 'XOAUTH2'], requested: null, allowPlaintext: false }, 'stop ENOMECH'],
    [{ encrypted: true, offered: [], requested: null, allowPlaintext: false }, 'stop ENOMECH'],
    [{ encrypted: true, offered: null, requested: null, allowPlaintext: false }, 'stop ENOAUTH'],
    [{ encrypted: false, offered: ['PLAIN'], requested: null, allowPlaintext: false }, 'stop ENOTLS'],
    [{ encrypted: false, offered: null, requested: null, allowPlaintext: false }, 'stop ENOTLS'],
    [{ encrypted: false, offered: ['PLAIN'], requested: null, allowPlaintext: true }, 'send PLAIN'],
    [{ encrypted: false, offered: null, requested: 'PLAIN', allowPlaintext: true }, 'stop ENOAUTH'],
  ];
  for (const [situation, expected] of cases) {
    const d = authDecision(situation);
    assert.equal(d.send ? `send ${d.method}` : `stop ${d.code}`, expected, JSON.stringify(situation));
  }
});
