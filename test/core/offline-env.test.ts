// The --facts environment (issue 12, case 4): a resolver and a dialer that refuse everything
// without making a socket, so an audit on it can never go to the network.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { audit } from '../../src/core/audit.ts';
import { createOfflineEnv } from '../../src/core/env.ts';

test('the offline environment refuses DNS and connections without making a socket', async () => {
  const env = createOfflineEnv();
  await assert.rejects(env.resolver.query('example.com', 'MX'), /no network with --facts/);
  await assert.rejects(env.dialer.dial({ host: '127.0.0.1', port: 25, timeoutMs: 100 }), /no network with --facts/);
  // an audit that would gather (no saved facts given) ends error everywhere, offline
  const report = await audit('example.com', { env, only: ['mx'] });
  assert.ok(report.checks.filter((c) => c.area === 'mx').every((c) => c.status === 'error'));
});
