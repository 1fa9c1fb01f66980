// Facts: everything the collectors gathered, as plain JSON (so --save-facts / --facts can
// replay an audit with no network). Each collector module adds its own key to FactMap by
// declaration merging:
//
//   declare module '../core/facts.ts' { interface FactMap { mx: MxFacts } }
//
// A slot records either the collector's value or why the whole collector failed. Lookup
// level failures (a timeout on one PTR) are data inside the value, not a failed slot.

// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface FactMap {}

export type FactKey = keyof FactMap & string;

export type FactSlot<T> =
  | { ok: true; ms: number; value: T }
  | { ok: false; ms: number; error: string };

export type FactSlots = { [K in FactKey]?: FactSlot<FactMap[K]> };

/** A DNS lookup as a fact: the outcome and the values, small enough to keep in JSON. */
export interface LookupFact<T> {
  outcome: 'ok' | 'nxdomain' | 'nodata' | 'error';
  values: T[];
  /** error code and detail when outcome is error (ETIMEOUT, ESERVFAIL...) */
  error?: string;
  /** CNAME chain followed to reach the values */
  cnames?: string[];
  /** AD flag from a validating resolver */
  authenticated?: boolean;
  /** the answer came from a `--zone` file, not from DNS (an unpublished change) */
  fromZoneFile?: boolean;
}

export function describeLookupError(lookup: LookupFact<unknown>): string {
  return lookup.error ?? lookup.outcome;
}
