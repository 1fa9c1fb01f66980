// Shared by the spf/* checks that judge the policy itself: they apply only when the domain
// publishes exactly one SPF record. Otherwise they end skipped (spf/present or
// spf/single-record already says why) or error when the TXT lookup failed, which tells nothing.
import type { CheckContext } from '../../core/check.ts';
import type { SpfFacts } from '../../collect/spf.ts';
import { rootState } from '../../spf/inspect-tree.ts';

/** True when the root has exactly one SPF record; otherwise records skip or undetermined on ctx. */
export function hasOneRecord(ctx: CheckContext, facts: SpfFacts): boolean {
  const state = rootState(facts.tree);
  switch (state.kind) {
    case 'record': return true;
    case 'multiple':
      ctx.skip(`${facts.domain} publishes ${state.records.length} SPF records, so receivers stop with permerror before evaluating any (see spf/single-record)`);
      return false;
    case 'none':
      ctx.skip(`${facts.domain} publishes no SPF record (see spf/present)`);
      return false;
    case 'invalid-domain':
      ctx.skip(state.message);
      return false;
    case 'dns-error':
      ctx.undetermined(facts.domain, state.message);
      return false;
  }
}
