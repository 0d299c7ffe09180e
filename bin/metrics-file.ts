/**
 * `--metrics-file PATH`: the run's metrics (lib/sync/metrics.ts) written for node_exporter's
 * textfile collector. Atomically: into a temporary file in the same directory (the collector
 * reads only *.prom, and a rename within one file system replaces the file in one step), then
 * renamed over PATH, so the collector never reads half a file.
 *
 * The last success time of a table that did not succeed this run (or was not in it) is read
 * from the file this replaces: the file is the state, and a run that fails before it reaches
 * the target can still keep it. Deleting the file forgets it.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { lastSuccessTimes, metricsText, type RunMetrics } from '../lib/index.js';

export async function writeMetricsFile(path: string, run: Omit<RunMetrics, 'previousSuccess'>): Promise<void> {
  const previous = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  const text = metricsText({ ...run, previousSuccess: lastSuccessTimes(previous) });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(temp, text, { mode: 0o644 });
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
