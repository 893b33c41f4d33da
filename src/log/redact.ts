/** Names whose values are secrets: config keys, header names, environment variables, query parameters. */
const SECRET_NAME = /secret|token|passw|pwd|auth|api[-_]?key|signature|cookie|credential|private/i;
/** Names that only point at a secret (the variable holding it), which are safe to show. */
const POINTER_NAME = /^(secretEnv|passEnv)$/;

/** `scheme://user:password@host` → `scheme://***@host` (RFC 3986 userinfo). */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s?#@]+@/gi;
/** `?token=abc` → `?token=***` for query parameters whose name says they are secret. */
const SECRET_QUERY = /([?&][^=&#\s]*(?:token|key|secret|sig|signature|passw|auth)[^=&#\s]*=)[^&#\s]+/gi;

/** Masks the secrets docsort can recognise in free text: credentials in URLs and secret query parameters. */
export function redactSecrets(text: string): string {
  return text.replace(URL_USERINFO, "$1***@").replace(SECRET_QUERY, "$1***");
}

/**
 * A handler config as people may see it (`handlers list/show`, logs): values under secret-looking names — at any
 * depth, so header and environment values too — become `***`, and URLs lose their credentials.
 */
export function redactConfig(value: unknown, key = ""): unknown {
  if (typeof value === "string") {
    return SECRET_NAME.test(key) && !POINTER_NAME.test(key) ? "***" : redactSecrets(value);
  }
  if (Array.isArray(value)) return value.map((item) => redactConfig(item, key));
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, redactConfig(item, name)]));
}
