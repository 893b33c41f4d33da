import { statSync } from "node:fs";
import { link } from "node:fs/promises";
import { recordInvoice } from "../invoices/ledger.js";
import { nowIso } from "../store/clock.js";
import { relocateDocument } from "../store/document-location.js";
import type { Store } from "../store/store.js";
import type { Effects } from "./effects.js";
import { type FileOps, placeFile } from "./file-placement.js";
import { httpPost } from "./http-post.js";
import { runCommand } from "./run-command.js";

/** Effects that act: files are written, requests sent, programs run, the ledger written. */
export function liveEffects(store: Store, handlerName: string, ops?: FileOps): Effects {
  const journal: string[] = [];
  return {
    dryRun: false,
    journal,
    async placeFile(request) {
      const placed = await placeFile(request, {
        link: ops?.link ?? link,
        registerScratch: (file) => store.scratch.register(file, process.pid, nowIso()),
        forgetScratch: (file) => store.scratch.forget(file),
      });
      const stats = statSync(placed.path);
      const moved = request.mode === "move" && request.relocate && !placed.reused;
      const movedEarlier = request.mode === "move" && request.relocate && placed.reused;
      store.transaction(() => {
        const now = nowIso();
        const document = store.documents.get(request.documentId);
        if (document && (moved || movedEarlier) && document.path !== placed.path) {
          relocateDocument(
            store.db,
            {
              documentId: request.documentId,
              from: document.path,
              to: placed.path,
              size: stats.size,
              mtimeMs: stats.mtimeMs,
              sha256: request.sha256,
            },
            now,
          );
        } else {
          store.files.record({
            path: placed.path,
            size: stats.size,
            mtimeMs: stats.mtimeMs,
            sha256: request.sha256,
            documentId: request.documentId,
            seenAt: now,
          });
        }
        store.events.add(
          {
            documentId: request.documentId,
            type: request.mode === "move" ? "moved" : "filed",
            message: `${handlerName}: ${request.mode === "move" ? "moved" : "copied"} to ${placed.path}${placed.reused ? " (already there)" : ""}`,
            data: { handler: handlerName, from: request.source, to: placed.path, method: placed.method },
          },
          now,
        );
      });
      journal.push(`${request.mode === "move" ? "moved" : "copied"} ${request.source} → ${placed.path}`);
      return placed;
    },
    async httpPost(request, signal) {
      const response = await httpPost(request, signal);
      journal.push(`POST ${request.url} → ${response.status}`);
      return response;
    },
    async runCommand(request, signal) {
      const result = await runCommand(request, signal);
      journal.push(
        `ran ${request.command} ${request.args.join(" ")} → exit ${result.exitCode ?? result.signal}`,
      );
      return result;
    },
    recordInvoice(entry) {
      const result = recordInvoice(store, entry);
      journal.push(
        result.alreadyRecorded
          ? `invoice already in the ledger as #${result.invoice?.id}`
          : `recorded invoice #${result.invoice?.id} (${result.decision.status})`,
      );
      return result;
    },
  };
}
