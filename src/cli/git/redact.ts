/**
 * Keeps a git password or token out of everything the CLI prints. The credentials reach git
 * through a pipe (never a URL or argv; see src/client/git.ts), so git has no reason to echo
 * them; this is the second line of defence for what it, a server (`remote:` lines) or a stored
 * URL might still say. Every text of a git command passes through one Redactor before it is
 * written: messages, progress, errors, --json documents, --debug lines.
 */

/** What a secret is replaced with. */
export const REDACTED = '***';

// `scheme://user:password@`: the password part of a URL's user info, whatever it is.
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/@:'"]*):[^\s/@'"]+@/gi;

/** The spellings of a secret that text may hold: as is, percent-encoded (a URL), in a Basic header. */
function spellings(secret: string, username?: string): string[] {
  const encoded = encodeURIComponent(secret);
  // git writes its own percent-escapes in lower case
  const forms = new Set<string>([secret, encoded, encoded.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())]);
  try {
    // the WHATWG URL encoder escapes fewer characters than encodeURIComponent
    const url = new URL('http://host/');
    url.password = secret;
    forms.add(url.password);
  } catch {
    // not representable in a URL: nothing more to look for
  }
  if (username) forms.add(Buffer.from(`${username}:${secret}`).toString('base64'));
  return [...forms].filter(Boolean);
}

export class Redactor {
  private needles: string[] = [];

  /** Adds a secret (a password or token); the username makes its Basic-header form known too. */
  add(secret: string | undefined, username?: string): void {
    if (!secret) return;
    // longest first, so a secret that contains another is replaced whole
    this.needles = [...new Set([...this.needles, ...spellings(secret, username)])].sort((a, b) => b.length - a.length);
  }

  /** Whether `text` holds a known secret. */
  holdsSecret(text: string): boolean {
    return this.needles.some((n) => text.includes(n));
  }

  /** `text` without the known secrets and without any password written into a URL. */
  redact(text: string): string {
    let out = text;
    for (const needle of this.needles) out = out.split(needle).join(REDACTED);
    return out.replace(URL_PASSWORD, `$1:${REDACTED}@`);
  }
}
