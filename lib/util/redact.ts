/**
 * Passwords travel inside connection URIs; these helpers make sure they never reach a message,
 * a log line or a report.
 */

/** `scheme://user:secret@host/...` → `scheme://user:****@host/...`; anything else unchanged. */
export function maskUri(uri: string): string {
  const loose = looseUserInfo(uri);
  // The authority runs to the first / ? or #; its user info ends at its LAST @, as URL parsers
  // (and both drivers) read it, so a raw @ inside a password stays masked too.
  const masked = loose
    ? `${loose.scheme}${loose.user}:****${loose.rest}`
    : uri.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i, (_m, scheme: string, authority: string) => {
        const at = authority.lastIndexOf('@');
        if (at < 0) return scheme + authority;
        const userInfo = authority.slice(0, at);
        const colon = userInfo.indexOf(':');
        return colon < 0 ? scheme + authority : `${scheme}${userInfo.slice(0, colon)}:****${authority.slice(at)}`;
      });
  return masked.replace(/([?&]password=)[^&#]*/gi, '$1****');
}

/**
 * `scheme://user:pass/wo#rd@host/…`: a password with a raw / ? or # ends the authority early for
 * a URL parser, so the URI is invalid (and the drivers say so, quoting it whole), but the person
 * who wrote it meant everything up to the last @ as the password. Undefined when the authority
 * holds its own @ (the URL parser's reading applies) or no @ follows at all. A URI without user
 * info but with an @ in its path is masked too much: hiding too much is the safe side.
 */
function looseUserInfo(uri: string): { scheme: string; user: string; password: string; rest: string } | undefined {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(uri)?.[1];
  if (authority === undefined || authority.includes('@')) return undefined;
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^:/?#@]*):(.*)@/i.exec(uri);
  if (!m) return undefined;
  return { scheme: m[1]!, user: m[2]!, password: m[3]!, rest: uri.slice(m[0].length - 1) };
}

/** The password carried by a URI, decoded, or undefined. */
export function passwordOf(uri: string): string | undefined {
  const loose = looseUserInfo(uri);
  if (loose) return loose.password || undefined;
  try {
    const url = new URL(uri);
    // url.password is still percent-encoded; searchParams values are already decoded.
    const pw = url.password ? safeDecode(url.password) : url.searchParams.get('password') ?? '';
    return pw || undefined;
  } catch {
    const m = /^[a-z][a-z0-9+.-]*:\/\/[^:/@]*:([^/?#]*)@[^@/?#]*/i.exec(uri);
    return m?.[1] ? m[1] : undefined;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Replaces each secret (raw and URL-encoded) with `****` wherever it stands as a word of its
 * own, as it does in a URI (`user:secret@host`) or after `password=`. Inside a longer word it
 * is left: nothing marks it as the password there, and masking it would garble names — with
 * the password `fbsync`, the table `fbsync_checkpoints` read `****_checkpoints`. A secret that
 * begins or ends with a character that is not a letter, digit or `_` is masked at that end
 * whatever stands next to it.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      const before = WORD.test(form[0]!) ? `(?<!${WORD.source})` : '';
      const after = WORD.test(form[form.length - 1]!) ? `(?!${WORD.source})` : '';
      out = out.replace(new RegExp(before + form.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') + after, 'gu'), '****');
    }
  }
  return out;
}

/** A character of a word: a letter, a digit or `_`. */
const WORD = /[\p{L}\p{N}_]/u;
