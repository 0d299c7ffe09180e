/** How the command reads the values of its flags. */
import { FbsyncError } from '../lib/index.js';

/*
 * The numeric options have no yargs `type`: with type number, yargs turns `abc` into NaN before
 * the coerce sees it, and the message could only say "not NaN".
 */
export function wholeNumber(name: string) {
  return (v: unknown) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new FbsyncError('OPTION', `--${name} must be a whole number (0 or more), not ${String(v)}`);
    return n;
  };
}

export function positiveInt(name: string) {
  return (v: unknown) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new FbsyncError('OPTION', `--${name} must be a positive integer, not ${String(v)}`);
    return n;
  };
}

/** `500` as a number, `10%` as it is; anything else goes to the library as text, which refuses it. */
export function maxDelete(v: unknown): number | `${number}%` {
  const text = String(v).trim();
  return (/^\d+$/.test(text) ? Number(text) : text) as number | `${number}%`;
}

export function list(v: unknown): string[] {
  return (Array.isArray(v) ? v : [v])
    .flatMap((s) => String(s).split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}
