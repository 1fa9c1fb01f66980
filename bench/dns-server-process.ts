// The benchmark's DNS server, in a process of its own so that the audit being measured and
// the server answering it do not share an event loop (or, on a 2-core machine, a core).
// It is the fixture server of the tests (src/testnet/dns-server.ts) over a generated zone.
// Protocol with the parent, one JSON object per line:
//   stdout, once ready:      {"address":"127.0.0.1:port"}
//   stdin "count\n" ->       {"queries":n}   (questions answered so far)
//   stdin "record\n" ->      {"recording":true}  (start keeping each question)
//   stdin "log\n" ->         {"log":[[name,type,ms],...]}  (the questions since "record", then stops keeping them)
//   stdin closed ->          the server stops and the process exits.
// Usage: node bench/dns-server-process.ts <zone file> [rules.json] [delay ms]
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseZoneFile } from '../src/parse/zone-file.ts';
import { FixtureDnsServer, type BehaviourRule, type QueryLogEntry } from '../src/testnet/dns-server.ts';

const [zoneFile, rulesFile, delay] = process.argv.slice(2);
if (!zoneFile) {
  process.stderr.write('usage: node bench/dns-server-process.ts <zone file> [rules.json] [delay ms]\n');
  process.exit(2);
}
const records = parseZoneFile(readFileSync(zoneFile, 'utf8'), { origin: 'test' }).records;
const rules = rulesFile ? JSON.parse(readFileSync(rulesFile, 'utf8')) as BehaviourRule[] : [];
const server = await new FixtureDnsServer({ records, rules, delayMs: Number(delay ?? 0) }).start();
// The server keeps a log of every question for the tests; under a flood of millions it would
// only grow, so it is replaced by a count (and a log only while the parent asks for one).
let answered = 0;
let recording: QueryLogEntry[] | null = null;
server.queries.push = (...entries: QueryLogEntry[]) => {
  answered += entries.length;
  recording?.push(...entries);
  return 0;
};
const reply = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
reply({ address: server.address });
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const command = line.trim();
  if (command === 'count') reply({ queries: answered });
  else if (command === 'record') { recording = []; reply({ recording: true }); }
  else if (command === 'log') { reply({ log: (recording ?? []).map((q) => [q.name, q.type, q.at]) }); recording = null; }
});
lines.on('close', () => { void server.stop().then(() => process.exit(0)); });
