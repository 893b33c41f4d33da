import { isoAfter, nowIso } from "../../store/clock.js";
import type { ServeSession, ServeSessionsRepo, SessionState } from "../../store/serve-sessions-repo.js";
import { newSecret, sha256Hex } from "./access-token.js";

/**
 * Browser sessions: the cookie carries a random value, the database only its SHA-256, so a copy of the database
 * signs nobody in. Each session has its own CSRF token for the forms and fetches that change something.
 */
export class Sessions {
  constructor(
    private readonly repo: ServeSessionsRepo,
    private readonly hours: number,
  ) {}

  /** A new session; returns the cookie value (shown to nobody else) and the session. */
  create(): { cookieValue: string; session: ServeSession } {
    const now = nowIso();
    this.repo.deleteExpired(now);
    const cookieValue = newSecret();
    const idHash = sha256Hex(cookieValue);
    this.repo.create({ idHash, csrfToken: newSecret(), expiresAt: isoAfter(this.hours * 3_600_000) }, now);
    const session = this.repo.get(idHash, now);
    if (!session) throw new Error("the new session was not stored");
    return { cookieValue, session };
  }

  find(cookieValue: string | undefined): ServeSession | undefined {
    if (!cookieValue) return undefined;
    return this.repo.get(sha256Hex(cookieValue), nowIso());
  }

  saveState(session: ServeSession, state: SessionState): void {
    this.repo.saveState(session.idHash, state, nowIso());
  }

  end(session: ServeSession): void {
    this.repo.delete(session.idHash);
  }

  /** Seconds until a new session expires: the cookie's Max-Age. */
  get maxAgeSeconds(): number {
    return this.hours * 3600;
  }
}
