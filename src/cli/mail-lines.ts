import { messageLabel, type TakenMessage } from "../intake/mail/folder-context.js";

/** `work/INBOX uid 3 "Invoice 17" from Billing <b@v.test> → #12 invoice-17.pdf`: one line per message taken. */
export function describeTaken({ account, folder, summary, record, documents }: TakenMessage): string {
  const label = messageLabel(account, folder, summary.uid);
  if (record.status !== "taken")
    return `${label} "${summary.subject ?? ""}": ${record.reason ?? record.status}`;
  const docs = documents.map((d) => `#${d.id} ${d.name}${d.status === "duplicate" ? " (duplicate)" : ""}`);
  return `${label} "${summary.subject ?? ""}" from ${summary.sender ?? "?"} → ${docs.length > 0 ? docs.join(", ") : (record.reason ?? "nothing")}`;
}
