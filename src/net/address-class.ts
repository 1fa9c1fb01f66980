// What an IP address is, per the IANA special-purpose address registries: the one place that
// decides whether an address can be reached from the Internet (mx/targets), whether a blocklist
// answer about it means anything (dnsbl), and whether it can be the source of a connection
// (--ip). Built on ipaddr.js, whose range tables follow the registries; where they fall short
// (noted below), the missing entries are added here with the registry entry they come from.
//
// Registries: "IANA IPv4 Special-Purpose Address Registry" and "IANA IPv6 Special-Purpose
// Address Registry" (RFC 6890), the "IPv4 Multicast Address Space Registry" (RFC 5771) and the
// "Internet Protocol Version 6 Address Space" registry (RFC 4291 2.4: only 2000::/3 is
// allocated as global unicast).
import net from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * - global: globally reachable unicast ("Globally Reachable: True" in the registries);
 * - local: meaningful only inside one host, link, site or private network, so the same address
 *   names different machines in different places (loopback, RFC 1918, link-local, ULA, CGN...);
 * - documentation: reserved for examples (RFC 5737, RFC 3849, RFC 9637), never on the Internet;
 * - reserved: set aside by the IETF and not routed (240.0.0.0/4, 192.0.0.0/24, discard-only...);
 * - non-unicast: not the address of one host at all (multicast, broadcast, unspecified).
 */
export type AddressScope = 'global' | 'local' | 'documentation' | 'reserved' | 'non-unicast';

export interface AddressClass {
  /** The address in canonical text: dotted quad, or RFC 5952 IPv6 (mapped addresses as ::ffff:a.b.c.d). */
  address: string;
  family: 4 | 6;
  /** A stable name of the range: "unicast", "private", "documentation", "benchmarking", ... */
  range: string;
  /** What the address is, to follow "<address> is ": "on a documentation network (RFC 5737, TEST-NET-1)". */
  description: string;
  scope: AddressScope;
  /** The registries' "Globally Reachable" column (false where they say N/A). */
  globallyReachable: boolean;
  /**
   * For an IPv4-mapped address (RFC 4291 2.5.5.2) or one under the NAT64 well-known prefix
   * (RFC 6052 3.1, which "MUST NOT be used to represent non-global IPv4 addresses"): the class of
   * the IPv4 address inside, which decides scope and reachability.
   */
  embedded: AddressClass | null;
}

interface RangeInfo { range: string; description: string; scope: AddressScope; globallyReachable: boolean }

const info = (range: string, description: string, scope: AddressScope, globallyReachable = scope === 'global'): RangeInfo =>
  ({ range, description, scope, globallyReachable });

const GLOBAL = info('unicast', 'a public (globally routed) address', 'global');

// ipaddr.js range name -> what it means. ipaddr.js files documentation (RFC 5737), benchmarking
// (RFC 2544), 192.0.0.0/24, the deprecated 6to4 relay anycast block and 240.0.0.0/4 all under
// "reserved"; REFINE_V4 below tells them apart.
const V4_RANGES: Record<string, RangeInfo> = {
  unicast: GLOBAL,
  unspecified: info('this-network', 'in the "this network" block 0.0.0.0/8 (RFC 1122 3.2.1.3)', 'non-unicast'),
  broadcast: info('broadcast', 'the limited broadcast address (RFC 919, RFC 8190)', 'non-unicast'),
  multicast: info('multicast', 'a multicast address (RFC 5771)', 'non-unicast'),
  linkLocal: info('link-local', 'a link-local address (RFC 3927)', 'local'),
  loopback: info('loopback', 'a loopback address (RFC 1122 3.2.1.3)', 'local'),
  carrierGradeNat: info('shared', 'in the shared address space of carrier-grade NAT (RFC 6598)', 'local'),
  private: info('private', 'on a private network (RFC 1918)', 'local'),
  reserved: info('reserved', 'an IETF-reserved address', 'reserved'),
  // RFC 7534/7535 AS112 and RFC 7450 AMT anycast: globally reachable per the registry.
  as112: info('as112', 'an AS112 anycast address (RFC 7534, RFC 7535)', 'global'),
  amt: info('amt', 'an AMT relay anycast address (RFC 7450)', 'global'),
};

// Entries ipaddr.js has no name for, or lumps together; matched before its own table.
// Each line is one row of the IANA IPv4 Special-Purpose Address Registry (or RFC 1122 for 0/32).
const REFINE_V4: Array<[string, RangeInfo]> = [
  ['0.0.0.0/32', info('unspecified', 'the unspecified address ("this host on this network", RFC 1122 3.2.1.3)', 'non-unicast')],
  // 192.0.0.9/32 (Port Control Protocol anycast, RFC 7723) and 192.0.0.10/32 (TURN anycast,
  // RFC 8155) are "Globally Reachable: True" inside the otherwise reserved 192.0.0.0/24.
  ['192.0.0.9/32', info('anycast-service', 'the Port Control Protocol anycast address (RFC 7723)', 'global')],
  ['192.0.0.10/32', info('anycast-service', 'the TURN anycast address (RFC 8155)', 'global')],
  ['192.0.0.0/24', info('ietf-protocol', 'in the IETF protocol assignments block 192.0.0.0/24 (RFC 6890)', 'reserved')],
  ['192.0.2.0/24', info('documentation', 'on a documentation network (RFC 5737, TEST-NET-1)', 'documentation')],
  ['198.51.100.0/24', info('documentation', 'on a documentation network (RFC 5737, TEST-NET-2)', 'documentation')],
  ['203.0.113.0/24', info('documentation', 'on a documentation network (RFC 5737, TEST-NET-3)', 'documentation')],
  ['192.88.99.0/24', info('6to4-relay', 'in the deprecated 6to4 relay anycast block (RFC 7526)', 'reserved')],
  // Benchmarking addresses are reused in every test lab, so they name no one host: local.
  ['198.18.0.0/15', info('benchmarking', 'on the benchmarking network (RFC 2544)', 'local')],
  // 255.255.255.255 lies inside 240.0.0.0/4 but is the limited broadcast address.
  ['255.255.255.255/32', V4_RANGES.broadcast!],
  ['240.0.0.0/4', info('future-use', 'in the block 240.0.0.0/4, reserved for future use (RFC 1112)', 'reserved')],
];

const V6_RANGES: Record<string, RangeInfo> = {
  unicast: GLOBAL,
  unspecified: info('unspecified', 'the unspecified address (RFC 4291 2.5.2)', 'non-unicast'),
  linkLocal: info('link-local', 'a link-local address (RFC 4291 2.5.6)', 'local'),
  multicast: info('multicast', 'a multicast address (RFC 4291 2.7)', 'non-unicast'),
  loopback: info('loopback', 'the loopback address (RFC 4291 2.5.3)', 'local'),
  uniqueLocal: info('unique-local', 'a unique-local address (RFC 4193)', 'local'),
  ipv4Mapped: info('ipv4-mapped', 'an IPv4-mapped address (RFC 4291 2.5.5.2)', 'global'),
  deprecatedSiteLocal: info('site-local', 'a deprecated site-local address (RFC 3879)', 'local'),
  discard: info('discard', 'in the discard-only prefix 100::/64 (RFC 6666)', 'reserved'),
  rfc6145: info('ipv4-translated', 'an IPv4-translated address (RFC 6145)', 'reserved'),
  rfc6052: info('nat64', 'under the NAT64 well-known prefix 64:ff9b::/96 (RFC 6052)', 'global'),
  // 6to4 and Teredo are "Globally Reachable: N/A" (tunnels to whatever the embedded address is);
  // a server may really listen there, so they are not flagged.
  '6to4': info('6to4', 'a 6to4 address (RFC 3056)', 'global'),
  teredo: info('teredo', 'a Teredo address (RFC 4380)', 'global'),
  benchmarking: info('benchmarking', 'in the benchmarking prefix 2001:2::/48 (RFC 5180)', 'local'),
  amt: info('amt', 'an AMT address (RFC 7450)', 'global'),
  as112v6: info('as112', 'an AS112 anycast address (RFC 7534, RFC 7535)', 'global'),
  deprecatedOrchid: info('orchid', 'in the deprecated ORCHID prefix 2001:10::/28 (RFC 4843)', 'reserved'),
  orchid2: info('orchid', 'an ORCHIDv2 identifier (RFC 7343)', 'global'),
  droneRemoteIdProtocolEntityTags: info('drone-remote-id', 'a drone remote ID entity tag (RFC 9374)', 'global'),
  segmentRouting: info('segment-routing', 'an SRv6 segment identifier (RFC 9602)', 'reserved'),
  // What is left of ipaddr.js's "reserved" once the documentation prefixes are refined away:
  // 2001::/23 outside the sub-blocks it names separately.
  reserved: info('ietf-protocol', 'in the IETF protocol assignments block 2001::/23 (RFC 2928)', 'reserved'),
};

// What ipaddr.js 2.5.0 lacks or lumps together for IPv6 (rows of the IANA IPv6 Special-Purpose
// Address Registry unless noted), matched before its own table:
const REFINE_V6: Array<[string, RangeInfo]> = [
  // ipaddr.js names both 64:ff9b::/96 and 64:ff9b:1::/48 "rfc6052"; the second is RFC 8215's
  // local-use translation prefix, "Globally Reachable: False".
  ['64:ff9b:1::/48', info('nat64-local', 'under the local-use IPv4/IPv6 translation prefix 64:ff9b:1::/48 (RFC 8215)', 'local')],
  // RFC 9780 dummy prefix, registered after ipaddr.js 2.5.0.
  ['100:0:0:1::/64', info('dummy', 'in the dummy IPv6 prefix 100:0:0:1::/64 (RFC 9780)', 'reserved')],
  // Anycast service addresses inside 2001::/23 that the registry marks globally reachable.
  ['2001:1::1/128', info('anycast-service', 'the Port Control Protocol anycast address (RFC 7723)', 'global')],
  ['2001:1::2/128', info('anycast-service', 'the TURN anycast address (RFC 8155)', 'global')],
  ['2001:1::3/128', info('anycast-service', 'the DNS-SD SRP anycast address (RFC 9665)', 'global')],
  // 2001:5::/32, the LISP EID space (RFC 7954), is "Globally Reachable: True"; ipaddr.js leaves
  // it under 2001::/23.
  ['2001:5::/32', info('lisp-eid', 'in the LISP EID space (RFC 7954)', 'global')],
  // ipaddr.js files the documentation prefixes under "reserved".
  ['2001:db8::/32', info('documentation', 'in a documentation prefix (RFC 3849, 2001:db8::/32)', 'documentation')],
  ['3fff::/20', info('documentation', 'in a documentation prefix (RFC 9637, 3fff::/20)', 'documentation')],
];

/**
 * ipaddr.js answers "unicast" for any IPv6 address it has no range for, but the IANA IPv6
 * Address Space registry allocates only 2000::/3 as global unicast (RFC 4291 2.4); everything
 * else that no special-purpose entry covers is "Reserved by IETF" and not routed.
 */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3') as [ipaddr.IPv6, number];
const OUTSIDE_GLOBAL_UNICAST = info('reserved', 'outside the global unicast space 2000::/3, reserved by the IETF (RFC 4291 2.4)', 'reserved');

const refinedV4 = REFINE_V4.map(([cidr, range]) => [ipaddr.IPv4.parseCIDR(cidr), range] as const);
const refinedV6 = REFINE_V6.map(([cidr, range]) => [ipaddr.IPv6.parseCIDR(cidr), range] as const);

/** Whether `text` is an IP address as this tool accepts one: a dotted quad (no leading zeros) or IPv6 without a zone index. */
export function isIpAddress(text: string): boolean {
  return net.isIPv4(text) || (net.isIPv6(text) && !text.includes('%'));
}

function classifyV4(address: ipaddr.IPv4): AddressClass {
  const refined = refinedV4.find(([[network, bits]]) => address.match(network, bits));
  const range = refined?.[1] ?? V4_RANGES[address.range()] ?? V4_RANGES.reserved!;
  return { address: address.toString(), family: 4, ...range, embedded: null };
}

function classifyV6(address: ipaddr.IPv6): AddressClass {
  const text = address.toRFC5952String();
  const refined = refinedV6.find(([[network, bits]]) => address.match(network, bits));
  if (refined) return { address: text, family: 6, ...refined[1], embedded: null };
  const name = address.range();
  if (name === 'ipv4Mapped' || name === 'rfc6052') {
    // RFC 4291 2.5.5.2 / RFC 7208 5: an IPv4-mapped address is that IPv4 address. RFC 6052 3.1:
    // the NAT64 well-known prefix only ever embeds global IPv4 addresses.
    const inner = classifyV4(new ipaddr.IPv4(address.toByteArray().slice(12)));
    const mapped = name === 'ipv4Mapped';
    const range = V6_RANGES[name]!;
    return {
      address: mapped ? `::ffff:${inner.address}` : text,
      family: 6,
      range: range.range,
      description: `${mapped ? `an IPv4-mapped address (RFC 4291 2.5.5.2) of` : `${range.description} for`} ${inner.address}, which is ${inner.description}`,
      scope: inner.scope,
      globallyReachable: inner.globallyReachable,
      embedded: inner,
    };
  }
  if (name === 'unicast' && !address.match(GLOBAL_UNICAST_V6)) return { address: text, family: 6, ...OUTSIDE_GLOBAL_UNICAST, embedded: null };
  return { address: text, family: 6, ...(V6_RANGES[name] ?? V6_RANGES.reserved!), embedded: null };
}

/**
 * ipaddr.js 2.5.0 reads "::1.2.3.4" (the deprecated IPv4-compatible form, RFC 4291 2.5.5.1) as
 * the IPv4-mapped ::ffff:1.2.3.4; writing a dotted-quad tail as two hex groups first keeps the
 * address what it is.
 */
function parseV6(text: string): ipaddr.IPv6 {
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (!tail) return ipaddr.IPv6.parse(text);
  const [a, b, c, d] = tail.slice(1).map(Number) as [number, number, number, number];
  const hex = `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  return ipaddr.IPv6.parse(text.slice(0, tail.index) + hex);
}

/** The class of an IP address, or null when `text` is not one (see isIpAddress). */
export function classifyAddress(text: string): AddressClass | null {
  if (net.isIPv4(text)) return classifyV4(ipaddr.IPv4.parse(text));
  if (net.isIPv6(text) && !text.includes('%')) return classifyV6(parseV6(text));
  return null;
}

/** The IPv4 address an IPv4-mapped IPv6 address stands for (RFC 4291 2.5.5.2), else the address unchanged. */
export function unmappedAddress(text: string): string {
  const cls = classifyAddress(text);
  return cls?.range === 'ipv4-mapped' && cls.embedded ? cls.embedded.address : text;
}
