// A small seeded PRNG and input mutators for the fuzz tests: the same seed gives the same
// inputs on every machine, so a failure names its seed and iteration and can be replayed.
// mulberry32 (public domain, Tommy Ettinger): 32 bits of state, good enough to drive mutations.

export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** uniform in [0, 1) */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** an integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

/** Tokens that break parsers more often than random bytes do. */
const INTERESTING = [
  '\u0000', '\u00ff', '\r', '\n', '\r\n', '\\', '\\0', '\\999', '"', "'", '(', ')', ';', '=', ':', ',', '.', '..', '-', ' ', '\t',
  '%{', '%{i}', '%{d5r}', 'include:', 'redirect=', 'all', '-all', '+all', 'v=spf1 ', 'v=DMARC1; ', 'p=', 'k=', 'v=STSv1', 'mx:', 'max_age:',
  '$ORIGIN', '$TTL', '$INCLUDE', '@', '*', 'IN', 'SOA', 'CNAME', 'TXT', 'TLSA', 'MX', '65535', '4294967296', '-1', '1e309', 'NaN',
  '250-', '250 ', '220 ', '554 ', '5.7.1 ', '\u001b[31m', '\u202e', '\ud800', '\u{1f600}', 'xn--', 'a'.repeat(64), 'a'.repeat(300),
  '{', '}', '[', ']', 'null', 'true', '{"zones":[', '"domains"', '\u00c0\u0080',
];

/** One random edit of `input`, `seeds` being other inputs to splice from. */
export function mutate(random: Prng, input: Buffer, seeds: readonly Buffer[]): Buffer {
  const at = () => random.int(input.length + 1);
  switch (random.int(9)) {
    case 0: { // flip a bit
      if (input.length === 0) return random.bytes(1);
      const copy = Buffer.from(input);
      const i = random.int(copy.length);
      copy[i] = copy[i]! ^ (1 << random.int(8));
      return copy;
    }
    case 1: { // a random byte
      const copy = Buffer.from(input);
      if (copy.length > 0) copy[random.int(copy.length)] = random.int(256);
      return copy;
    }
    case 2: { // insert an interesting token
      const i = at();
      return Buffer.concat([input.subarray(0, i), Buffer.from(random.pick(INTERESTING), 'utf8'), input.subarray(i)]);
    }
    case 3: { // delete a slice
      const i = at();
      return Buffer.concat([input.subarray(0, i), input.subarray(i + 1 + random.int(16))]);
    }
    case 4: { // duplicate a slice
      const i = at();
      const j = Math.min(input.length, i + 1 + random.int(64));
      return Buffer.concat([input.subarray(0, j), input.subarray(i, j), input.subarray(j)]);
    }
    case 5: { // splice in part of another seed
      const other = random.pick(seeds);
      const i = random.int(other.length + 1);
      const k = at();
      return Buffer.concat([input.subarray(0, k), other.subarray(i, i + 1 + random.int(80)), input.subarray(k)]);
    }
    case 6: // cut short
      return input.subarray(0, at());
    case 7: { // random bytes inserted
      const i = at();
      return Buffer.concat([input.subarray(0, i), random.bytes(1 + random.int(8)), input.subarray(i)]);
    }
    default: { // repeat a slice many times (long lines, deep nesting)
      const i = at();
      const piece = input.subarray(i, i + 1 + random.int(8));
      return Buffer.concat([input.subarray(0, i), Buffer.from(piece.toString('latin1').repeat(1 + random.int(200)), 'latin1'), input.subarray(i)]);
    }
  }
}

/** `count` inputs: each a seed with 1-4 mutations, now and then pure random bytes. */
export function* inputs(seed: number, seeds: readonly Buffer[], count: number): Generator<{ index: number; input: Buffer }> {
  const random = new Prng(seed);
  for (let index = 0; index < count; index++) {
    if (random.int(20) === 0) {
      yield { index, input: random.bytes(random.int(200)) };
      continue;
    }
    let input = random.pick(seeds);
    for (let n = 1 + random.int(4); n > 0; n--) input = mutate(random, input, seeds);
    yield { index, input };
  }
}
