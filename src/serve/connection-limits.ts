// How many clients the loopback server talks to at once: in all (smtp-server's maxClients
// answers the one too many with 421 and closes), and from one address (smtp-server has no such
// limit, so this file decides it in onConnect). Each open session costs a socket, a TLS state
// and, during DATA, a spool file; without a per-address limit one client could take every slot.
// The per-address default matches Postfix's default_destination_concurrency_limit (20), so a
// Postfix under test delivering at full concurrency is never turned away.

export const DEFAULT_MAX_CONNECTIONS = 100;
export const DEFAULT_MAX_CONNECTIONS_PER_IP = 20;

/** IPv4-mapped IPv6 peers (dual-stack listeners) are IPv4 clients (RFC 4291 section 2.5.5.2). */
export function normalizeAddress(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1]! : address;
}

/**
 * The 421 text when `address` already has `limit` sessions open (the new one, already counted in
 * `open`, makes one more), or null. RFC 5321 section 3.8 lets a server refuse a session with 421;
 * RFC 3463 4.7.0 is the generic "security or policy" reason, as Postfix uses for the same refusal.
 */
export function overPerAddressLimit(open: Iterable<{ remoteAddress: string }>, address: string, limit: number): string | null {
  const me = normalizeAddress(address);
  let count = 0;
  for (const connection of open) if (normalizeAddress(connection.remoteAddress) === me) count += 1;
  return count > limit ? `4.7.0 too many connections from ${me}: the limit is ${limit} at once per client address, try again later` : null;
}
