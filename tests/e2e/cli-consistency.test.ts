import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { corpusAvailable, type Label, loadLabels } from "../support/corpus.js";
import { corpusModel } from "../support/corpus-model.js";
import { createE2eEnv, type E2eEnv } from "../support/e2e-env.js";
import type { RecordedRequest, Reply } from "../support/ollama-server.js";
import { runDocsort, startDocsort } from "../support/run-docsort.js";
import { readDocuments } from "../support/store-reader.js";

/** Raw control characters a terminal would act on (newlines and tabs are fine). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/u;
const HOSTILE_NAME = "evil\u001b]0;owned\u0007\u001b[2J\rname\u202e.txt";

let env: E2eEnv;
let labels: Label[] = [];
/** Model answers, in order, before the corpus model (or the plain answer) takes over. */
const answer = { category: "letter", confidence: 0.91, summary: "A letter from ACME", evidence: "ACME Ltd" };

beforeAll(async () => {
  env = await createE2eEnv();
  labels = corpusAvailable ? loadLabels() : [];
  const corpus = corpusModel(labels);
  env.server.script((request: RecordedRequest): Reply => {
    const reply = corpus(request);
    // a document the corpus does not know gets the plain invoice answer
    return reply.kind === "json" && (reply.value as { category?: string }).category === "other"
      ? { kind: "json", value: answer }
      : reply;
  });
  // a document the model failed on fails at once (the default waits for 5 occasions over an hour)
  env.writeConfig({
    intake: { stableMs: 200 },
    outbox: { retryBaseMs: 60_000 },
    reliability: { modelFailOccasions: 1, modelFailAfterMs: 0 },
  });
  writeFileSync(path.join(env.root, "acme.txt"), "ACME Ltd\nInvoice No. 17\nTotal due: 119.00 EUR\n");
  const first = await runDocsort(["classify", path.join(env.root, "acme.txt")], env);
  expect(first.code, first.stderr).toBe(0);
});
afterAll(async () => env?.cleanup());

describe("a closed stdout (docsort show 1 | head)", () => {
  it.each([["show", "1"], ["list"], ["runs"], ["list", "--json"]])(
    "docsort %s ends quietly with exit code 0",
    async (...args) => {
      const child = startDocsort(args, env);
      // the reader goes away before docsort writes anything: every write gets EPIPE
      child.child.stdout?.destroy();
      const result = await child.exited;
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
    },
  );
});

describe("read-only commands never create a data folder", () => {
  it.each([
    ["list"],
    ["show", "1"],
    ["runs"],
    ["invoices", "list"],
    ["handlers", "list"],
    ["review", "--list"],
    ["rules", "list"],
    ["accept", "1"],
    ["reclassify", "1"],
  ])("docsort %s with a mistyped --home: no docsort data at …, exit 1", async (...args) => {
    const typo = path.join(env.root, "hmoe");
    const result = await runDocsort(["--home", typo, ...args], env);
    expect(result.stderr).toContain(`no docsort data at ${typo}`);
    expect(result.code).toBe(1);
    expect(existsSync(typo)).toBe(false);
  });

  it("doctor says so too, and creates nothing", async () => {
    const typo = path.join(env.root, "hmoe");
    const result = await runDocsort(["--home", typo, "doctor"], env);
    expect(result.stdout).toMatch(new RegExp(`FAIL {2}data folder: no docsort data at ${typo}`));
    expect(result.code).toBe(1);
    expect(existsSync(typo)).toBe(false);
  });

  it("watch never creates an inbox the user named (--inbox, DOCSORT_INBOX, the config file); the default it does", async () => {
    const typo = path.join(env.root, "Scannr");
    const home = path.join(env.root, "fresh-home");
    const configFile = path.join(env.root, "named-inbox.json");
    writeFileSync(configFile, JSON.stringify({ inbox: typo }));
    const named: [string, string[], Record<string, string>][] = [
      ["--inbox", ["--inbox", typo], {}],
      ["DOCSORT_INBOX", [], { DOCSORT_INBOX: typo }],
      [`"inbox" in ${configFile}`, ["--config", configFile], { DOCSORT_INBOX: "" }],
    ];
    for (const [who, args, extra] of named) {
      const result = await runDocsort(["--home", home, ...args, "watch", "--once"], { ...env, extra });
      expect(result.stderr).toContain(`the inbox ${typo} does not exist (named by ${who})`);
      expect(result.code).toBe(1);
      expect(existsSync(typo)).toBe(false);
      expect(existsSync(home), "nothing is created, not even the data folder").toBe(false);
    }
    writeFileSync(typo, "a file, not a folder");
    const file = await runDocsort(["--home", home, "--inbox", typo, "watch", "--once"], env);
    expect(file.stderr).toContain(`the inbox ${typo} (--inbox) is not a folder`);
    expect(file.code).toBe(1);

    const cwd = path.join(env.root, "first-run");
    mkdirSync(cwd);
    const first = await runDocsort(["--home", home, "watch", "--once"], {
      ...env,
      cwd,
      extra: { DOCSORT_INBOX: "" },
    });
    expect(first.code, first.stderr).toBe(0);
    expect(statSync(path.join(cwd, "inbox")).isDirectory()).toBe(true);
  });

  it("extract and classify --dry-run store nothing and create nothing", async () => {
    const typo = path.join(env.root, "nothing-here");
    for (const args of [["extract"], ["classify", "--dry-run"]]) {
      const result = await runDocsort(["--home", typo, ...args, path.join(env.root, "acme.txt")], env);
      expect(result.code, result.stderr).toBe(0);
    }
    expect(existsSync(typo)).toBe(false);
  });
});

describe("usage errors and options", () => {
  it("an unknown category is bad usage (exit 2), for list and reclassify", async () => {
    for (const args of [
      ["list", "--category", "nope"],
      ["reclassify", "--category", "nope"],
    ]) {
      const result = await runDocsort(args, env);
      expect(result.stderr).toContain('"nope" is not a category; choose one of invoice, receipt');
      expect(result.code).toBe(2);
    }
  });

  it("extract --json honours --max-chars", async () => {
    const result = await runDocsort(
      ["extract", "--json", "--max-chars", "10", path.join(env.root, "acme.txt")],
      env,
    );
    const [node] = JSON.parse(result.stdout) as { text: string; chars: number; textTruncated: boolean }[];
    expect(node).toMatchObject({ text: "ACME Ltd\nI", textTruncated: true });
    expect(node?.chars).toBeGreaterThan(10);
  });
});

describe("document-derived strings on a terminal", () => {
  it("file names with control characters are shown escaped by watch, classify, list, show and runs", async () => {
    const file = path.join(env.inbox, HOSTILE_NAME);
    writeFileSync(file, "ACME Ltd\nInvoice No. 18\nTotal due: 238.00 EUR\n");
    const outputs = [await runDocsort(["watch", "--once"], env)];
    const id = readDocuments(env.home).find((d) => d.name === HOSTILE_NAME)?.id ?? 0;
    expect(id).toBeGreaterThan(0);
    outputs.push(
      await runDocsort(["list"], env),
      await runDocsort(["show", String(id)], env),
      await runDocsort(["runs", "--document", String(id)], env),
      await runDocsort(["classify", "--dry-run", file], env),
    );
    for (const output of outputs) {
      expect(output.stdout + output.stderr).not.toMatch(RAW_CONTROL);
    }
    expect(outputs[0]?.stdout).toContain("evil\\x1b]0;owned\\x07\\x1b[2J\\rname\\u202e.txt");
    expect(outputs[2]?.stdout).toContain("Document #");
  });
});

describe("a document whose model answers failed", () => {
  it("show says how to retry and shows the answers, cut (all with --wide); reclassify --status failed retries", async () => {
    const garbage = `I think this is an invoice.\n${"and here is a very long explanation line\n".repeat(40)}`;
    env.server.enqueue({ kind: "text", content: garbage }, { kind: "text", content: "still not JSON" });
    writeFileSync(path.join(env.root, "unreadable.txt"), "ACME Ltd\nInvoice No. 19\nTotal due: 10.00 EUR\n");
    const classified = await runDocsort(["classify", path.join(env.root, "unreadable.txt")], env);
    expect(classified.code).toBe(1);
    const failed = readDocuments(env.home).find((d) => d.name === "unreadable.txt");
    expect(failed?.status).toBe("failed");
    const id = String(failed?.id);

    const shown = await runDocsort(["show", id], env);
    expect(shown.stdout).toContain(
      `next       try again: docsort reclassify ${id} (every failed document: docsort reclassify --status failed)`,
    );
    expect(shown.stdout).toMatch(/Model answers that could not be read/);
    expect(shown.stdout).toContain(`answer 1 of 2, ${garbage.length} characters:`);
    expect(shown.stdout).toContain("  | I think this is an invoice.");
    expect(shown.stdout).toMatch(new RegExp(`\\| … \\d+ more characters \\(docsort show ${id} --wide\\)`));
    expect(shown.stdout).toContain("  | still not JSON");
    const wide = await runDocsort(["show", id, "--wide"], env);
    expect(wide.stdout.split("and here is a very long explanation line").length - 1).toBe(40);

    const retried = await runDocsort(["reclassify", "--status", "failed"], env);
    expect(retried.stdout).toContain(`#${id} unreadable.txt: — → letter 0.91 (llm): routed`);
    expect(retried.code).toBe(0);
    expect(readDocuments(env.home).find((d) => d.name === "unreadable.txt")?.status).toBe("done");
  });
});

describe("say what is wrong before it fails", () => {
  it("handlers add warns about an unset secret variable; doctor checks every handler", async () => {
    const added = await runDocsort(
      [
        "handlers",
        "add",
        "hook",
        "--kind",
        "webhook",
        "--trigger",
        "invoice.approved",
        "--config",
        JSON.stringify({ url: `${env.server.url}/hook`, secretEnv: "DOCSORT_TEST_UNSET_SECRET" }),
      ],
      env,
    );
    expect(added.code).toBe(0);
    expect(added.stderr).toContain(
      "docsort: warning: hook: the environment variable DOCSORT_TEST_UNSET_SECRET (the webhook secret) is not set",
    );
    await runDocsort(
      [
        "handlers",
        "add",
        "tool",
        "--kind",
        "command",
        "--on",
        "letter",
        "--config",
        '{"command":"no-such-program-here"}',
      ],
      env,
    );
    await runDocsort(
      [
        "handlers",
        "add",
        "filer",
        "--kind",
        "move",
        "--on",
        "letter",
        "--config",
        '{"root":"/etc/passwd/filed"}',
      ],
      env,
    );
    await runDocsort(
      [
        "handlers",
        "add",
        "far",
        "--kind",
        "webhook",
        "--on",
        "letter",
        "--config",
        '{"url":"https://no-such-host.invalid/hook"}',
      ],
      env,
    );

    const doctor = await runDocsort(["doctor"], env);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(
      /FAIL {2}handler hook: webhook: the environment variable DOCSORT_TEST_UNSET_SECRET/,
    );
    expect(doctor.stdout).toMatch(/→ export DOCSORT_TEST_UNSET_SECRET=…/);
    expect(doctor.stdout).toMatch(/FAIL {2}handler tool: command: no-such-program-here is not on PATH/);
    expect(doctor.stdout).toMatch(
      /FAIL {2}handler filer: move: files cannot be filed under \/etc\/passwd\/filed/,
    );
    expect(doctor.stdout).toMatch(/FAIL {2}handler far: webhook: no-such-host\.invalid does not resolve/);
    expect(doctor.stdout).toMatch(/ok {4}handler invoice-workflow: invoice/);

    const withSecret = await runDocsort(["doctor", "--json"], {
      ...env,
      extra: { DOCSORT_TEST_UNSET_SECRET: "a-secret-of-sixteen-chars" },
    });
    const checks = JSON.parse(withSecret.stdout) as { name: string; ok: boolean; detail: string }[];
    expect(checks.find((c) => c.name === "handler hook")).toMatchObject({ ok: true });
    expect(checks.find((c) => c.name === "handler hook")?.detail).toMatch(
      /secret DOCSORT_TEST_UNSET_SECRET set, 127\.0\.0\.1 is an address/,
    );
    for (const name of ["tool", "filer", "far"]) await runDocsort(["handlers", "remove", name], env);
  });
});

describe.skipIf(!corpusAvailable)("invoices: approving and rejecting", () => {
  it("a failed handler run after approve is reported, exit 1; failed checks need --force; a rejection can be undone", async () => {
    for (const file of [
      "invoices/marlow_invoice_MPW-30318.html",
      "invoices/invoice_from_jonas_pettersen.eml",
    ])
      env.dropCorpusFile({ file });
    const once = await runDocsort(["watch", "--once"], env);
    expect(once.code, once.stderr).toBe(0);
    const list = JSON.parse((await runDocsort(["invoices", "list", "--json"], env)).stdout) as {
      id: number;
      status: string;
      invoiceNumber: string;
    }[];
    const marlow = list.find((i) => i.invoiceNumber === "MPW-30318");
    const jonas = list.find((i) => i.status === "needs_attention");
    expect(marlow?.status).toBe("awaiting_approval");
    expect(jonas).toBeDefined();

    // the `hook` handler (invoice.approved) has no secret in this environment: its run fails, and approve says so
    const approved = await runDocsort(["invoices", "approve", String(marlow?.id)], env);
    expect(approved.stdout).toContain(`invoice #${marlow?.id} approved`);
    expect(approved.stdout).toMatch(
      /run #\d+ hook \(invoice\.approved\) .*: failed .*DOCSORT_TEST_UNSET_SECRET/,
    );
    expect(approved.stdout).toMatch(/1 handler run failed: see docsort runs --document \d+/);
    expect(approved.code).toBe(1);

    const refused = await runDocsort(["invoices", "approve", String(jonas?.id)], env);
    expect(refused.stderr).toMatch(/has failed checks: amounts_add_up .*approve anyway with --force/);
    expect(refused.code).toBe(2);
    const rejected = await runDocsort(
      ["invoices", "reject", String(jonas?.id), "--reason", "sent twice"],
      env,
    );
    expect(rejected.stdout).toContain(`(undo: docsort invoices reopen ${jonas?.id})`);
    const reopened = await runDocsort(["invoices", "reopen", String(jonas?.id)], env);
    expect(reopened.stdout).toBe(`invoice #${jonas?.id} reopened: needs_attention\n`);
    expect(reopened.code).toBe(0);
    const forced = await runDocsort(["invoices", "approve", String(jonas?.id), "--force", "--json"], env);
    expect(JSON.parse(forced.stdout)).toMatchObject({ invoice: { status: "approved" } });
  });
});
