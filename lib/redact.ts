/**
 * Passwords travel inside connection URIs; these helpers make sure they never reach a message,
 * a log line or a report.
 */

/** `scheme://user:secret@host/...` → `scheme://user:****@host/...`; anything else unchanged. */
export function maskUri(uri: string): string {
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@?#]*):[^@/?#]*@/i, '$1:****@')
    .replace(/([?&]password=)[^&#]*/gi, '$1****');
}

/** The password carried by a URI, decoded, or undefined. */
export function passwordOf(uri: string): string | undefined {
  try {
    const url = new URL(uri);
    const pw = url.password || url.searchParams.get('password') || '';
    return pw ? decodeURIComponent(pw) : undefined;
  } catch {
    const m = /^[a-z][a-z0-9+.-]*:\/\/[^:/@]*:([^@/]*)@/i.exec(uri);
    return m?.[1] ? m[1] : undefined;
  }
}

/** Replaces every occurrence of each secret (raw and URL-encoded) with `****`. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join('****');
  }
  return out;
}
