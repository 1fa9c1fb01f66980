import allQualifier from './all-qualifier.ts';
import deprecatedPtr from './deprecated-ptr.ts';
import includeTargets from './include-targets.ts';
import ipEvaluation from './ip-evaluation.ts';
import lookupLimit from './lookup-limit.ts';
import present from './present.ts';
import singleRecord from './single-record.ts';
import syntax from './syntax.ts';
import voidLookups from './void-lookups.ts';

export const spfChecks = [present, singleRecord, syntax, lookupLimit, voidLookups, includeTargets, allQualifier, deprecatedPtr, ipEvaluation];
