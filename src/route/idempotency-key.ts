import { createHash } from "node:crypto";

export interface RunIdentity {
  /** sha256 of the document's content. */
  contentHash: string;
  handler: string;
  configVersion: number;
  /** The category of the decision the run acts on. */
  category: string;
  trigger: string;
}

/**
 * One decision, one run: the same content, handler, handler config, category and trigger always give the same key,
 * so a crash, a restart or a second routing cannot add a second run. Also sent as X-Docsort-Delivery.
 */
export function idempotencyKey(identity: RunIdentity): string {
  return createHash("sha256")
    .update(
      [
        identity.contentHash,
        identity.handler,
        identity.configVersion,
        identity.category,
        identity.trigger,
      ].join("\n"),
    )
    .digest("hex");
}
