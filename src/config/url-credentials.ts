/** Whether a URL carries a user name or password (RFC 3986 userinfo); false for what is no URL at all. */
export function hasCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== "" || parsed.password !== "";
  } catch {
    return false;
  }
}
