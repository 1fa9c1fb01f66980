// dkim/key-strength: every published DKIM key is strong enough. RFC 8301 3.2: signers MUST use
// RSA keys of at least 1024 bits and SHOULD use at least 2048; verifiers MUST NOT accept
// signatures from keys under 1024 bits and need only handle keys up to 4096 bits. RFC 8463
// adds Ed25519 (k=ed25519), a 256-bit key that is strong by itself.
import { defineCheck } from '../../core/check.ts';
import { dkimKeyRecords, holdsKey } from '../../dkim/key-records.ts';

export default defineCheck({
  id: 'dkim/key-strength',
  area: 'dkim',
  titles: {
    pass: 'Every DKIM key is RSA of at least 2048 bits or Ed25519',
    fail: 'Some DKIM keys are too weak to trust',
    warn: 'Some DKIM keys are weaker or larger than recommended',
    error: 'Could not read the size of every DKIM key',
  },
  description:
    'Measures the RSA modulus of each key found (from the key itself, not its length in base64). ' +
    'fail: under 1024 bits, which verifiers must reject. warn: 1024 to 2047 bits (RFC 8301 asks for 2048), or over 4096 ' +
    'bits (verifiers need not handle it). pass: RSA of 2048 to 4096 bits, or Ed25519 (RFC 8463). ' +
    'skipped: no decodable key was found.',
  reference: 'RFC 8301 section 3.2; RFC 8463 section 3',
  targets: ['domain'],
  facts: ['dkim'],
  run(ctx) {
    const dkim = ctx.fact('dkim');
    const keys = dkimKeyRecords(dkim).keys.filter(holdsKey);
    if (keys.length === 0) return ctx.skip('no decodable DKIM key was found (see dkim/selectors and dkim/key-record)');
    for (const { lookup, text, key } of keys) {
      const subject = lookup.name;
      if (key.keyType === 'ed25519') {
        ctx.note(`${lookup.selector}: Ed25519 key.`);
        continue;
      }
      const bits = key.keyBits;
      if (bits === null) continue;
      const evidence = [`${subject}: ${text.length > 120 ? `${text.slice(0, 117)}...` : text}`];
      if (bits < 1024) {
        ctx.add('fail', 'rsa-too-short', {
          subject,
          message: `The RSA key at selector ${lookup.selector} is ${bits} bits; RFC 8301 forbids verifiers from accepting signatures made with keys under 1024 bits, so this key makes DKIM fail.`,
          remediation: 'Generate a 2048-bit RSA key (or an Ed25519 key alongside it), publish it under a new selector and switch the signer to it.',
          evidence,
        });
      } else if (bits < 2048) {
        ctx.add('warn', 'rsa-short', {
          subject,
          message: `The RSA key at selector ${lookup.selector} is ${bits} bits; RFC 8301 says signers should use at least 2048 bits, and 1024-bit keys are within reach of factoring.`,
          remediation: 'Rotate to a 2048-bit RSA key under a new selector.',
          evidence,
        });
      } else if (bits > 4096) {
        ctx.add('warn', 'rsa-large', {
          subject,
          message: `The RSA key at selector ${lookup.selector} is ${bits} bits; RFC 8301 only requires verifiers to handle keys up to 4096 bits, so some may not verify it.`,
          remediation: 'Use a 2048- to 4096-bit RSA key.',
          evidence,
        });
      } else {
        ctx.note(`${lookup.selector}: RSA ${bits} bits.`);
      }
    }
  },
});
