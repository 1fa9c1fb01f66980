// `--shard K/N`: split one list of targets over N machines (or CI jobs, or pods) without
// coordinating them. A target belongs to shard 1 + (h mod N), where h is the first 48 bits of
// the SHA-256 of its normalized name (the A-label domain, or the IP address): every target
// lands in exactly one shard whatever the order or the rest of the list, the shards are even
// (within a few percent from a few hundred targets on), and re-running one shard, on any
// machine and any version that normalizes names the same way, audits the same targets.
// K counts from 1, like the --shard of test runners; Kubernetes' completion index counts
// from 0 (examples/kubernetes/ adds one).
import { createHash } from 'node:crypto';
import { targetName, type AuditTarget } from '../core/target.ts';
import { UsageError } from './usage-error.ts';

export interface Shard {
  /** 1..count */
  index: number;
  count: number;
}

/** Most shards a list can be cut into (a bound that keeps `K/N` typos obvious). */
export const MAX_SHARDS = 100_000;

export function parseShard(spec: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(spec);
  if (!match) throw new UsageError(`--shard must be K/N (shard K of N, counted from 1), not "${spec}"`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > MAX_SHARDS) throw new UsageError(`--shard ${spec}: N must be between 1 and ${MAX_SHARDS}`);
  if (index < 1 || index > count) throw new UsageError(`--shard ${spec}: K must be between 1 and ${count} (shards count from 1)`);
  return { index, count };
}

/** The shard (1..count) a target name belongs to. */
export function shardOf(name: string, count: number): number {
  const digest = createHash('sha256').update(name, 'utf8').digest();
  return (digest.readUIntBE(0, 6) % count) + 1;
}

export function inShard(target: AuditTarget, shard: Shard): boolean {
  return shardOf(targetName(target), shard.count) === shard.index;
}
