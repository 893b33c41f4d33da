import type { Command } from "commander";
import { z } from "zod";
import { App } from "../../app.js";
import { DocsortError } from "../../errors.js";
import type { TakenMessage } from "../../intake/mail/folder-context.js";
import { messageLabel } from "../../intake/mail/folder-context.js";
import { MailConnectionError } from "../../intake/mail/mail-connection.js";
import { configDir, unknownAccount } from "../../intake/mail/mail-intake.js";
import type { PlannedMessage } from "../../intake/mail/sync-folder.js";
import { testAccount } from "../../intake/mail/test-account.js";
import { openDatabase } from "../../store/database.js";
import { Store } from "../../store/store.js";
import { globalOptions } from "../global-options.js";
import { describeTaken } from "../mail-lines.js";
import { printJson, printLine, truncate } from "../output/print.js";
import { renderTable } from "../output/table.js";
import { parseInput } from "../parse-input.js";

const jsonOption = z.object({ json: z.boolean().optional() });
const fetchOptions = z.object({ dryRun: z.boolean().optional(), json: z.boolean().optional() });

export function registerMail(program: Command): void {
  const mail = program
    .command("mail")
    .description("the IMAP accounts read as a second inbox (test, fetch, status)");

  mail
    .command("test")
    .description("connect, list the folders and count the messages the rules match; changes nothing")
    .argument("<account>", "account name (mail.accounts[].name)")
    .option("--json", "print one JSON object")
    .action(async (name: string, raw: unknown, command: Command) => {
      const options = parseInput(jsonOption, raw);
      const app = App.open(globalOptions(command), false);
      try {
        const account = app.config.mail.accounts.find((a) => a.name === name);
        if (!account) throw unknownAccount(name, app.config.mail.accounts);
        const check = await testAccount(account, configDir(app.config), app.existingStore()).catch(
          (error: unknown) => {
            if (error instanceof MailConnectionError)
              throw new DocsortError(`mail account "${name}": ${error.message}`, 1, { cause: error });
            throw error;
          },
        );
        if (options.json) printJson(check);
        else {
          const security = check.encrypted
            ? account.security === "tls"
              ? "TLS"
              : "STARTTLS"
            : "no encryption";
          printLine(
            `mail account "${check.account}": logged in to ${check.server} as ${account.user} (${security}${check.idle ? ", IDLE" : ", no IDLE: polling"})`,
          );
          printLine(`folders on the server: ${check.folders.join(", ")}`);
          for (const folder of check.checked.filter((f) => f.exists)) {
            const rules = Object.entries(folder.byRule).map(([rule, n]) => `${rule}: ${n}`);
            printLine(
              `${folder.folder}: ${folder.messages} message(s), ${folder.matching} match the rules${rules.length > 0 ? ` (${rules.join(", ")})` : ""}, ${folder.notYetTaken} not taken yet`,
            );
          }
          for (const problem of check.problems) printLine(`problem: ${problem}`);
        }
        if (check.problems.length > 0) process.exitCode = 1;
      } finally {
        app.close();
      }
    });

  mail
    .command("fetch")
    .description("take the new messages of every account now (docsort watch processes them)")
    .argument("[account]", "only this account")
    .option("--dry-run", "show what would be taken and done on the server; change nothing")
    .option("--json", "print the results as JSON")
    .action(async (name: string | undefined, raw: unknown, command: Command) => {
      const options = parseInput(fetchOptions, raw);
      const app = App.open(globalOptions(command), !options.json);
      const dryRun = options.dryRun === true;
      // a dry run writes nothing, not even a new database: it reads progress from the existing one, if any
      const store = dryRun ? (app.existingStore() ?? new Store(openDatabase(":memory:"))) : app.store;
      try {
        if (app.config.mail.accounts.length === 0) {
          printLine("no mail accounts configured (mail.accounts)");
          return;
        }
        const onTaken = options.json ? undefined : (taken: TakenMessage) => printLine(describeTaken(taken));
        const results = await (await app.createMailIntake(onTaken, store)).syncOnce(name, dryRun);
        if (options.json) printJson(results);
        else {
          for (const account of results) {
            for (const folder of account.folders) {
              for (const planned of folder.planned)
                printLine(describePlanned(account.account, folder.folder, planned));
              const what = dryRun
                ? `${folder.planned.length} would be taken`
                : `${folder.taken} taken (${folder.documents} document(s))`;
              printLine(
                `${account.account}/${folder.folder}: ${folder.examined} new message(s): ${what}, ${folder.skipped} left by the rules, ${folder.known} taken before, ${folder.notTaken} not taken (see mail status)`,
              );
            }
          }
        }
        if (results.some((r) => r.error !== undefined)) process.exitCode = 1;
      } finally {
        if (store !== app.existingStore()) store.close();
        app.close();
      }
    });

  mail
    .command("status")
    .description("per account and folder: state, last sync, progress, messages taken or refused, last error")
    .option("--json", "print one JSON object")
    .action((raw: unknown, command: Command) => {
      const options = parseInput(jsonOption, raw);
      const app = App.open(globalOptions(command), false);
      try {
        const store = app.existingStore();
        const folders = store?.mailFolders.all() ?? [];
        const counts = store?.mailMessages.counts() ?? [];
        const configured = app.config.mail.accounts.flatMap((a) =>
          a.folders.map((folder) => ({ account: a.name, folder })),
        );
        const keys = new Map<string, { account: string; folder: string }>();
        for (const f of [...configured, ...folders])
          keys.set(`${f.account}\u0000${f.folder}`, { account: f.account, folder: f.folder });
        const rows = [...keys.values()].map(({ account, folder }) => {
          const state = folders.find((f) => f.account === account && f.folder === folder);
          const count = counts.find((c) => c.account === account && c.folder === folder);
          return {
            account,
            folder,
            configured: configured.some((c) => c.account === account && c.folder === folder),
            state: state?.state ?? "new",
            lastSyncAt: state?.lastSyncAt ?? null,
            lastAttemptAt: state?.lastAttemptAt ?? null,
            uidValidity: state?.uidValidity ?? null,
            lastUid: state?.lastUid ?? 0,
            taken: count?.taken ?? 0,
            empty: count?.empty ?? 0,
            tooLarge: count?.tooLarge ?? 0,
            unreadable: count?.unreadable ?? 0,
            skipped: state?.skipped ?? 0,
            actionsPending: count?.actionsPending ?? 0,
            actionsFailed: count?.actionsFailed ?? 0,
            lastError: state?.lastError ?? null,
          };
        });
        const problems = store?.mailMessages.problems() ?? [];
        if (options.json) {
          printJson({ folders: rows, problems });
          return;
        }
        if (rows.length === 0) {
          printLine("no mail accounts configured (mail.accounts)");
          return;
        }
        const table = rows.map((r) => [
          r.account,
          r.folder + (r.configured ? "" : " (not configured)"),
          r.state,
          (r.lastSyncAt ?? "").replace("T", " ").slice(0, 19),
          r.uidValidity === null ? "" : `${r.uidValidity}/${r.lastUid}`,
          r.taken,
          r.empty + r.tooLarge + r.unreadable,
          r.skipped,
          `${r.actionsPending}/${r.actionsFailed}`,
          truncate(r.lastError ?? "", 80),
        ]);
        printLine(
          renderTable(
            [
              "ACCOUNT",
              "FOLDER",
              "STATE",
              "LAST SYNC",
              "UIDVALIDITY/UID",
              "TAKEN",
              "REFUSED",
              "LEFT",
              "ACTIONS P/F",
              "LAST ERROR",
            ],
            table,
          ),
        );
        for (const p of problems) {
          const why = p.status === "taken" ? (p.actionError ?? "") : (p.reason ?? p.status);
          printLine(`${messageLabel(p.account, p.folder, p.uid)} "${p.subject ?? ""}": ${why}`);
        }
      } finally {
        app.close();
      }
    });
}

function describePlanned(account: string, folder: string, planned: PlannedMessage): string {
  const { summary } = planned;
  const what =
    planned.take === "attachments"
      ? `attachments (${summary.attachments.join(", ") || "none"})`
      : planned.take === "message"
        ? "the message as .eml"
        : `the message as .eml with its attachments (${summary.attachments.join(", ") || "none"})`;
  const then =
    planned.after === "none"
      ? ""
      : planned.after === "move"
        ? `, then move to ${planned.moveTo}`
        : `, then ${planned.after === "seen" ? "mark seen" : "flag"}`;
  return `would take ${messageLabel(account, folder, summary.uid)} "${summary.subject ?? ""}" from ${summary.sender ?? "?"} — ${planned.rule}: ${what}${then}`;
}
