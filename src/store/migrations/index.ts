import * as initial from "./001-initial.js";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Numbered, append-only. A new migration is a new file plus one line here. */
export const MIGRATIONS: readonly Migration[] = [{ version: 1, ...initial }];
