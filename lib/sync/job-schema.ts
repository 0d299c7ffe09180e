import type { z as Zod } from 'zod';

/*
 * What a job file may hold, as a zod schema (docs/jobs.md). Built by job-file.ts with the zod it
 * loads on the first job file, so that zod costs nothing to a run that reads none.
 */

/** The job file's schema, and the keys each mapping may hold. */
export function buildSchema(z: typeof Zod) {
  const bool = z.boolean({ error: 'true or false' });
  const text = z.string({ error: 'a non-empty string' }).min(1, { error: 'a non-empty string' });
  const whole = (min: number) => {
    const allowed = `a whole number ≥ ${min}`;
    return z.int({ error: allowed }).min(min, { error: allowed });
  };
  const columns = z.array(text, { error: 'a list of column names' });
  const MAX_DELETE = 'a whole number of rows ≥ 0, or a share of the target such as 10%';
  const maxDelete = z.union([whole(0), z.string().regex(/^\d+(\.\d+)?%$/, { error: MAX_DELETE })], { error: MAX_DELETE });

  /** The options a table may set for itself (TableOptions of sync-tables.ts, less the ones that are not data). */
  const tableOptions = {
    delete: bool,
    dryRun: bool,
    rowVersions: bool,
    sinceColumn: text,
    sinceOverlapSeconds: whole(0),
    resume: bool,
    maxErrors: whole(0),
    maxDelete,
    softDelete: text,
    pageSize: whole(1),
    batchRows: whole(1),
    parallel: whole(1),
    loadData: bool,
    roundToTarget: z.union([bool, columns], { error: 'true, false, or a list of column names' }),
  };

  /* Every key optional. */
  function optional<T extends Record<string, Zod.ZodType>>(shape: T): { [K in keyof T]: Zod.ZodOptional<T[K]> } {
    return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, (v as Zod.ZodType).optional()])) as { [K in keyof T]: Zod.ZodOptional<T[K]> };
  }

  const TABLE_ITEM = 'a table name, or a mapping with a name and options';
  /** A `tables` item; a bare name is read as `{ name }`. */
  const tableJob = z.preprocess(
    (v) => (typeof v === 'string' ? { name: v } : v),
    z.strictObject({ name: text, ...optional({ target: text, excludeColumns: columns, ...tableOptions }) }, { error: TABLE_ITEM }),
  );

  const retry = z.strictObject(optional({ attempts: whole(1), baseMs: whole(0), maxMs: whole(0) }), { error: 'a mapping of attempts, baseMs, maxMs' });

  const defaults = z.strictObject(
    optional({
      ...tableOptions,
      // Run-wide, only all or none: a list names the columns of one table.
      roundToTarget: bool,
      excludeColumns: columns,
      createTables: bool,
      parallelTables: whole(1),
      noneCharset: text,
      stopOnError: bool,
      wait: whole(0),
      rejectFile: text,
      retry,
    }),
    { error: 'a mapping of sync options' },
  );

  const jobFile = z.strictObject(
    optional({
      from: text,
      to: text,
      allTables: bool,
      defaults,
      tables: z.array(tableJob, { error: `a list, each item ${TABLE_ITEM}` }),
    }),
    { error: 'a mapping of from, to, allTables, defaults and tables' },
  );

  /** What each mapping of the file may hold, for the "did you mean" of an unknown key. */
  const KEYS: { readonly [where: string]: readonly string[] } = {
    top: Object.keys(jobFile.shape),
    defaults: Object.keys(defaults.shape),
    table: ['name', 'target', 'excludeColumns', ...Object.keys(tableOptions)],
    retry: Object.keys(retry.shape),
  };
  return { jobFile, KEYS };
}
