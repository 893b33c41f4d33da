/** ISO-8601 UTC timestamps: readable in the sqlite3 shell, and they sort correctly as text. */
export function nowIso(date: Date = new Date()): string {
  return date.toISOString();
}

export function isoAfter(ms: number, from: Date = new Date()): string {
  return new Date(from.getTime() + ms).toISOString();
}
