// The vendored vectors are the upstream files SOURCES.tsv names, unchanged: a hand-edited
// vector would test our opinion, not the suite's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { conformancePath, VECTORS_DIR } from '../support/conformance.ts';

test('every vendored vector matches the SHA-256 in SOURCES.tsv', () => {
  const lines = readFileSync(`${VECTORS_DIR}SOURCES.tsv`, 'utf8').trim().split('\n').slice(1);
  assert.ok(lines.length >= 19, `SOURCES.tsv lists ${lines.length} files`);
  for (const line of lines) {
    const [local, repo, commit, , sha256] = line.split('\t');
    assert.match(commit!, /^[0-9a-f]{40}$/, `${local}: a pinned commit of ${repo}`);
    const actual = createHash('sha256').update(readFileSync(conformancePath(local!))).digest('hex');
    assert.equal(actual, sha256, `${local} differs from ${repo}@${commit!.slice(0, 12)}`);
  }
});
