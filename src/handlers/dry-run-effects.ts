import path from "node:path";
import { previewInvoice } from "../invoices/ledger.js";
import { redactConfig, redactSecrets } from "../log/redact.js";
import type { Store } from "../store/store.js";
import type { Effects } from "./effects.js";
import { resolveInside } from "./path-template.js";

/**
 * Effects that only record (`docsort handlers test`): each call says what it would do and answers as if it had
 * worked, so the handler runs exactly the code it runs for real.
 */
export function dryRunEffects(store: Store): Effects {
  const journal: string[] = [];
  return {
    dryRun: true,
    journal,
    async placeFile(request) {
      const target = resolveInside(request.root, request.relativePath);
      const verb = request.mode === "move" ? "move" : "copy";
      journal.push(
        `would ${verb} ${request.source} → ${target} (a taken name gets a suffix)${request.mode === "move" && request.relocate ? " and record the new location" : ""}`,
      );
      return { path: target, reused: false, method: "dry-run" };
    },
    async httpPost(request) {
      const headers = Object.entries(redactConfig(request.headers) as Record<string, string>)
        .map(([key, value]) => `  ${key}: ${value}`)
        .join("\n");
      journal.push(
        `would POST ${redactSecrets(request.url)} (timeout ${request.timeoutMs} ms)\n${headers}\n  body:\n${indent(pretty(request.body))}`,
      );
      return { status: 200, headers: {}, body: "" };
    },
    async runCommand(request) {
      const env = Object.keys(request.env)
        .filter((key) => key.startsWith("DOCSORT_"))
        .map((key) => `${key}=${request.env[key]}`)
        .join(" ");
      journal.push(
        `would run ${request.command} ${JSON.stringify(request.args)} in ${request.cwd ?? path.resolve(".")} ` +
          `(timeout ${request.timeoutMs} ms) with ${request.stdin.length} bytes of event JSON on stdin and ${env}`,
      );
      return { exitCode: 0, signal: null, timedOut: false, stdout: "", stderr: "" };
    },
    recordInvoice(entry) {
      const result = previewInvoice(store, entry);
      const { decision } = result;
      const then = decision.followUp
        ? `; would fire ${decision.followUp}${result.followUpHandlers.length > 0 ? ` (${result.followUpHandlers.join(", ")})` : " (no handler listens)"}`
        : "; would wait for approval";
      journal.push(
        result.alreadyRecorded
          ? `already in the ledger as invoice #${result.invoice?.id}: nothing would be written`
          : `would record the invoice as ${decision.status}${decision.duplicate ? ` (${decision.duplicate.reason})` : ""}${then}`,
      );
      return result;
    },
  };
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
