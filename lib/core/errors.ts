/**
 * An error meant for the person running fbsync: it names the object at fault and says what to do.
 * `hint` is kept apart from the message so that the CLI can print both on one line while an API
 * user can still match on `code`.
 */
export class FbsyncError extends Error {
  readonly code: string;
  readonly hint?: string;

  constructor(code: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(options.hint ? `${message}; ${options.hint}` : message, { cause: options.cause });
    this.name = 'FbsyncError';
    this.code = code;
    this.hint = options.hint;
  }
}

/** The driver's own words, for wrapping into a message without its (possibly huge) stack. */
export function describeCause(err: unknown): string {
  if (err instanceof Error) return err.message.replace(/\s+/g, ' ').trim();
  if (err && typeof err === 'object' && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}
