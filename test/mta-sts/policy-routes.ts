// What the loopback HTTPS policy server answers for each sts-*.example domain of
// fixtures/zones/sts-cases.zone, shared by the MTA-STS fetch, collector and CLI tests.
import net from 'node:net';
import type { PolicyRoute } from '../../src/testnet/https-policy-server.ts';

const policy = (mode: string, ...mx: string[]): string =>
  ['version: STSv1', `mode: ${mode}`, ...mx.map((m) => `mx: ${m}`), 'max_age: 1209600', ''].join('\r\n');

export const STS_ROUTES: Record<string, PolicyRoute> = {
  'mta-sts.sts-enforce.example': { body: policy('enforce', '*.sts-enforce.example') },
  'mta-sts.sts-testing.example': { body: policy('testing', 'mx.sts-testing.example'), contentType: 'text/plain; charset=utf-8' },
  'mta-sts.sts-none.example': { body: 'version: STSv1\nmode: none\nmax_age: 86400\n' },
  'mta-sts.sts-uncovered.example': { body: policy('enforce', 'mx.sts-uncovered.example') },
  'mta-sts.sts-invalid.example': { body: 'version: STSv1\nmode: enforcing\nmx: mx.sts-invalid.example\n' },
  'mta-sts.sts-redirect.example': { status: 301, headers: { Location: 'https://www.sts-redirect.example/mta-sts.txt' }, body: '' },
  'mta-sts.sts-ctype.example': { body: policy('enforce', 'mx.sts-ctype.example'), contentType: 'text/html' },
  'mta-sts.sts-large.example': { body: policy('enforce', 'mx.sts-large.example') + `# ${'x'.repeat(70 * 1024)}\n` },
  'mta-sts.sts-notfound.example': { status: 404, body: 'no such file\n' },
  'mta-sts.sts-hang.example': { hang: true },
  'mta-sts.sts-untrusted.example': { body: policy('enforce', 'mx.sts-untrusted.example'), certificate: 'self-signed' },
  'mta-sts.sts-wrongname.example': { body: policy('enforce', 'mx.sts-wrongname.example'), certificate: 'wrong-name' },
};

/** A loopback port with nothing listening on it, for the unreachable policy host. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
