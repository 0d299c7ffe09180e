/**
 * How long a job file takes to check before anything connects: `npx tsx bench/job-file.ts
 * [--tables N] [--runs K]`. It writes a job file of N tables (default 30), most with options of
 * their own, and times parseJob on it (YAML with positions, the schema, `${NAME}`, the
 * contradictions per table): the first call in the process, then the median of K more.
 */
import { parseArgs } from 'node:util';
import { parseJob } from '../lib/index.js';

const { values } = parseArgs({ options: { tables: { type: 'string', default: '30' }, runs: { type: 'string', default: '50' } } });
const tables = Number(values.tables);
const runs = Number(values.runs);
if (!Number.isInteger(tables) || tables < 1 || !Number.isInteger(runs) || runs < 1) throw new Error('--tables and --runs must be positive integers');

const lines = ['from: firebird://SYSDBA:${FB_PASSWORD}@erp.local:3050//data/erp.fdb', 'to: mysql://fbsync:${MYSQL_PASSWORD}@db.local:3306/loja', 'defaults:', '  delete: true', '  maxDelete: 5%', '  parallelTables: 2', 'tables:'];
for (let i = 1; i <= tables; i++) {
  if (i % 3 === 0) lines.push(`  - TB_${i}`);
  else lines.push(`  - name: TB_${i}`, `    target: t${i}`, '    excludeColumns: [OBS, FOTO]', `    maxDelete: ${i * 10}`, ...(i % 2 ? ['    rowVersions: true'] : []));
}
const text = `${lines.join('\n')}\n`;
const env = { FB_PASSWORD: 'x', MYSQL_PASSWORD: 'y' };

const time = () => {
  const started = performance.now();
  parseJob(text, 'job.yaml', env);
  return performance.now() - started;
};
const first = time();
const warm = Array.from({ length: runs }, time).sort((a, b) => a - b);
const median = warm[Math.floor(warm.length / 2)]!;
process.stdout.write(`job file of ${tables} tables, ${lines.length} lines: first check ${first.toFixed(1)} ms, then median ${median.toFixed(2)} ms of ${runs} (min ${warm[0]!.toFixed(2)}, max ${warm[warm.length - 1]!.toFixed(2)})\n`);
