/**
 * Job files: a sync run written down (YAML, or JSON, which is YAML too) instead of spelt out on
 * a command line. A job file holds `from`, `to`, `allTables`, `defaults` (run options) and
 * `tables` (names, or mappings with a `name` and options of that table's own); `${NAME}` in any
 * string is the environment variable NAME, so that passwords stay out of the file.
 *
 * Everything is checked before anything connects, and every fault is one JOB_FILE error naming
 * the file, the line, the key and what is allowed there (see JobFileError). The file is parsed
 * with `yaml`, which keeps every node's position, and checked with a zod schema, whose issues
 * carry the path of the value at fault: the path leads back to the node, the node to its line.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Document, Node } from 'yaml';
import type { z } from 'zod';
import { buildSchema } from './job-schema.js';
import { FbsyncError } from '../core/errors.js';
import { checkOptions } from './check-options.js';
import { namesFor } from './names.js';
import type { SyncTablesOptions, TableJob } from './options.js';

/** A job file's run, ready for syncTables once `from` and `to` are known. */
export interface LoadedJob {
  /** The file, as given. */
  file: string;
  /** Firebird URI (with `${NAME}`s replaced); undefined when the file has none. Never print it. */
  from?: string;
  /** MySQL URI (with `${NAME}`s replaced); undefined when the file has none. Never print it. */
  to?: string;
  /** The run's options: `allTables`, `tables` and the `defaults`. */
  options: Omit<SyncTablesOptions, 'from' | 'to'>;
}

/** A fault in a job file: code JOB_FILE, and where it is. The message starts `file:line: key:`. */
export class JobFileError extends FbsyncError {
  /** The file, as given. */
  readonly file: string;
  /** 1-based line of the key or value at fault; undefined when the file could not be read. */
  readonly line?: number;
  /** The key at fault as a path (`tables[2].delete`, `defaults.pageSize`); '' for the file as a whole. */
  readonly key: string;

  constructor(file: string, line: number | undefined, key: string, problem: string, allowed?: string, cause?: unknown) {
    super('JOB_FILE', `${file}${line === undefined ? '' : `:${line}`}: ${key ? `${key}: ` : ''}${problem}`, { hint: allowed, cause });
    this.name = 'JobFileError';
    this.file = file;
    this.line = line;
    this.key = key;
  }
}

/*
 * zod and yaml are loaded by the first job file a process reads, not by every run that never
 * reads one: zod alone adds about 15 MB to the memory of a process that imports it. They are
 * loaded with require (both ship CommonJS), so that loadJob and parseJob stay synchronous.
 */
const load = createRequire(import.meta.url);
let yamlModule: typeof Yaml | undefined;
const yaml = () => (yamlModule ??= load('yaml') as typeof Yaml);
let built: ReturnType<typeof buildSchema> | undefined;
const schema = () => (built ??= buildSchema((load('zod') as { z: typeof z }).z));

type JobData = z.infer<ReturnType<typeof buildSchema>['jobFile']>;

type Path = ReadonlyArray<string | number>;

/** Reads, checks and resolves a job file; `env` supplies `${NAME}` (default: process.env). */
export function loadJob(file: string, env: Readonly<Record<string, string | undefined>> = process.env): LoadedJob {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    throw new JobFileError(file, undefined, '', `cannot read the job file: ${(err as Error).message}`, undefined, err);
  }
  return parseJob(source, file, env);
}

/** The same, from the file's text (`file` names it in errors). */
export function parseJob(source: string, file: string, env: Readonly<Record<string, string | undefined>> = process.env): LoadedJob {
  const { LineCounter, parseDocument } = yaml();
  const { jobFile, KEYS } = schema();
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const lineAt = (offset: number) => lines.linePos(offset).line;
  const syntax = doc.errors[0];
  if (syntax) {
    if (syntax.code === 'DUPLICATE_KEY') {
      const key = /^["']?([^"':\s]+)/.exec(source.slice(syntax.pos[0]))?.[1] ?? '';
      throw new JobFileError(file, lineAt(syntax.pos[0]), key, 'given twice in one mapping', 'each key once');
    }
    throw new JobFileError(file, lineAt(syntax.pos[0]), '', `not valid YAML: ${firstLine(syntax.message)}`);
  }
  const at = (path: Path, problem: string, allowed?: string, onKey = false) => new JobFileError(file, lineOf(doc, path, lineAt, onKey), keyName(path), problem, allowed);

  const data = doc.toJS() ?? {};
  const parsed = jobFile.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0]!;
      const known = KEYS[mappingKind(issue.path)] ?? [];
      const path = issue.path as Path;
      const near = nearest(key, known);
      const moved =
        mappingKind(issue.path) === 'defaults' && KEYS.top!.includes(key)
          ? `; \`${key}\` goes at the top level of the file`
          : mappingKind(issue.path) === 'top' && KEYS.defaults!.includes(key)
            ? `; \`${key}\` goes under \`defaults\``
            : '';
      throw at([...path, key], `unknown key${near ? ` (did you mean ${near}?)` : ''}${moved}`, `allowed here: ${known.join(', ')}`, true);
    }
    const secret = issue.path[0] === 'from' || issue.path[0] === 'to';
    throw at(issue.path as Path, `${describe(issue.input, !secret)} is not allowed`, `allowed: ${issue.message}`);
  }
  const job = substitute(parsed.data, [], env, at) as JobData;
  return checked(job, file, at);
}

/** The job as library options, refused where tables repeat or options contradict each other. */
function checked(job: JobData, file: string, at: (path: Path, problem: string, allowed?: string, onKey?: boolean) => JobFileError): LoadedJob {
  const { names, ...rest } = job.defaults ?? {};
  const defaults = { ...rest, ...(names && { names: namesFor(names) }) } as Omit<SyncTablesOptions, 'from' | 'to' | 'tables'>;
  const tables = (job.tables ?? []) as TableJob[];
  const seen = new Map<string, number>();
  tables.forEach((t, i) => {
    const first = seen.get(t.name.toUpperCase());
    if (first !== undefined) throw at(['tables', i, 'name'], `table ${t.name} is listed twice (also tables[${first}])`, 'each table once, with all its options in one entry');
    seen.set(t.name.toUpperCase(), i);
  });
  // Contradictions, with the library's own checks: for the defaults alone (tables allTables adds run with them), then per table as it will run.
  contradiction(defaults, ['defaults'], at);
  tables.forEach((t, i) => {
    const { name: _n, target: _t, excludeColumns: _c, columns: _m, ...own } = t;
    contradiction({ ...defaults, ...own }, ['tables', i], at, Object.keys(own));
  });
  const options: Omit<SyncTablesOptions, 'from' | 'to'> = { ...defaults, ...(job.allTables !== undefined && { allTables: job.allTables }), ...(tables.length > 0 && { tables }) };
  return { file, from: job.from, to: job.to, options };
}

/** Runs the library's option checks on what one table will run with; a refusal points at the key that made it. */
function contradiction(
  options: Record<string, unknown>,
  where: Path,
  at: (path: Path, problem: string, allowed?: string, onKey?: boolean) => JobFileError,
  own: readonly string[] = Object.keys(options),
): void {
  try {
    checkOptions({ ...options, from: '', to: '', table: '' });
  } catch (err) {
    if (!(err instanceof FbsyncError) || err.code !== 'OPTION') throw err;
    // The key at fault: the first the check names that this entry sets itself, else the defaults' one.
    const key = err.options.find((o) => own.includes(o));
    const path = key !== undefined ? [...where, key] : ['defaults', err.options[0] ?? ''];
    const problem = err.hint ? err.message.slice(0, -(err.hint.length + 2)) : err.message;
    throw at(path, problem, err.hint, true);
  }
}

const VARIABLE = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Every string with `${NAME}` replaced by the environment variable; `$${NAME}` stays `${NAME}`, literally. */
function substitute(value: unknown, path: Path, env: Readonly<Record<string, string | undefined>>, at: (path: Path, problem: string, allowed?: string) => JobFileError): unknown {
  if (typeof value === 'string') {
    return value.replace(VARIABLE, (_all, escaped: string, name: string) => {
      if (escaped) return `\${${name}}`;
      const found = env[name];
      if (found === undefined) throw at(path, `environment variable ${name} is not set`, `set ${name} where the job runs, or write $\${${name}} for the text \${${name}}`);
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, [...path, i], env, at));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, [...path, k], env, at)]));
  return value;
}

/** The line of the node at `path` (of its key, with `onKey`), or of the nearest ancestor the file has. */
function lineOf(doc: Document, path: Path, lineAt: (offset: number) => number, onKey: boolean): number {
  for (let n = path.length; n >= 0; n--) {
    const parentPath = path.slice(0, n - 1);
    const last = path[n - 1];
    if ((onKey || n < path.length) && n > 0 && typeof last === 'string') {
      const parent = parentPath.length === 0 ? doc.contents : doc.getIn(parentPath, true);
      const { isMap, isPair, isScalar } = yaml();
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === last);
        const key = pair?.key as Node | undefined;
        if (key?.range) return lineAt(key.range[0]);
      }
    }
    const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)) as Node | null | undefined;
    if (node?.range) return lineAt(node.range[0]);
  }
  return 1;
}

/** `tables[2].delete`, `defaults.pageSize`. */
function keyName(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Which kind of mapping a path leads to. */
function mappingKind(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'top';
  if (path[0] === 'tables') return 'table';
  if (path[0] === 'defaults' && path[1] === 'retry') return 'retry';
  return 'defaults';
}

/** A value as an error names it: its type, and the value itself where it is short and no secret. */
function describe(value: unknown, show: boolean): string {
  const kind = value === null || value === undefined ? 'nothing' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a mapping' : typeof value === 'string' ? 'a string' : `a ${typeof value}`;
  if (!show || value === null || value === undefined || typeof value === 'object') return kind;
  const shown = JSON.stringify(value);
  return shown.length <= 40 ? `${kind} ${shown}` : kind;
}

/** The known key closest to an unknown one (same letters in another case or with - and _; else two edits away at most). */
function nearest(key: string, known: readonly string[]): string | undefined {
  const plain = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  const same = known.find((k) => plain(k) === plain(key));
  if (same) return same;
  let best: { key: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(plain(key), plain(k));
    if (d <= Math.min(2, Math.floor(k.length / 3)) && (!best || d < best.d)) best = { key: k, d };
  }
  return best?.key;
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_v, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
