// Bounding V8's heap growth for the runs that allocate the most: bulk audits and large --zone
// files. V8 answers a high allocation rate by letting the old generation grow up to 4x its
// live size before it collects. A bulk audit allocates some 4 MB per domain while it keeps
// ~30 MB alive (measured on 2,000 domains: peak RSS ~390 MB, ~250 MB of it garbage), and
// parsing a 46 MB zone leaves ~750 MB of garbage behind ~170 MB of zone data. Capping the
// growth at 1.5x the live size keeps those peaks near 285 MB and 560 MB, for ~7% more CPU in
// the bulk audit (README "Bulk audits"). --heap-growing-percent is a GC heuristic V8 reads each
// time it sizes the heap, so setting it after start-up takes effect; nothing else changes.
import { setFlagsFromString } from 'node:v8';

let bounded = false;

export function boundHeapGrowth(): void {
  if (bounded) return;
  bounded = true;
  try {
    setFlagsFromString('--heap-growing-percent=50');
  } catch { /* an engine without the flag: the default heuristic stays */ }
}
