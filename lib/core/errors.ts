/**
 * An error meant for the person running fbsync: it names the object at fault and says what to do.
 * `hint` is kept apart from the message so that the CLI can print both on one line while an API
 * user can still match on `code`.
 *
 * The words are the library's: an option is named as the caller spelt it, in backquotes
 * (`maxErrors`, `sinceColumn`), and listed in `options`. A command-line front end puts its own
 * words for those options in their place (see bin/messages.ts); the library never names a flag.
 */
export class FbsyncError extends Error {
  readonly code: string;
  readonly hint?: string;
  /**
   * The options of the library call the message and hint name, each written there as
   * `name` (a path into nested options, such as `retry.attempts`): the one at fault first,
   * then any it clashes with or the one that is the way out. Empty when no option is concerned.
   */
  readonly options: readonly string[];
  /** The value refused, when an option's value is at fault (e.g. -1 for `maxErrors`). */
  readonly value?: unknown;

  constructor(code: string, message: string, details: { hint?: string; cause?: unknown; options?: readonly string[]; value?: unknown } = {}) {
    super(details.hint ? `${message}; ${details.hint}` : message, { cause: details.cause });
    this.name = 'FbsyncError';
    this.code = code;
    this.hint = details.hint;
    this.options = details.options ?? [];
    this.value = details.value;
  }
}

/** The driver's own words, for wrapping into a message without its (possibly huge) stack. */
export function describeCause(err: unknown): string {
  if (err instanceof Error) return err.message.replace(/\s+/g, ' ').trim();
  if (err && typeof err === 'object' && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}
