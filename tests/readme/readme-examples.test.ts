/**
 * The README is a contract: every fenced `sh` and `console` block in it is run here, in order, in one bash session,
 * against a loopback Ollama-protocol server, and every command must exit 0 — as a new user pasting them would see.
 *
 * A block that cannot run in a test says so, visibly, on the line before its fence:
 *
 *   <!-- readme-test: skip: why (at least a few words) -->       not run (installs, an endless daemon, a real
 *                                                                 IMAP account, a browser, the real Ollama CLI…)
 *   <!-- readme-test: instead: COMMAND; why -->                   COMMAND is run in its place
 *   <!-- readme-test: exit N -->                                  each command must exit N (a documented failure)
 *   <!-- readme-test: webhook URL -->                             URL is served by a loopback webhook receiver;
 *                                                                 its deliveries must carry a valid signature
 *
 * `console` blocks are `$ command` lines, each followed by the output it must print (stdout and stderr together).
 *
 * The session's world: `docsort` and `npx docsort` are the built CLI of this checkout; the working folder is a new
 * folder with an `inbox/` holding three labeled documents (a letter, a receipt, a contract) and the example files
 * the README names (scan.pdf, mail.eml); HOME holds ~/Downloads/Kestrel_KCS-INV-004512.pdf for the first-invoice
 * walkthrough; OLLAMA_HOST is a loopback server that answers like a model that knows the labeled corpus.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { corpusAvailable, LABELED_DIR, loadLabels } from "../support/corpus.js";
import { corpusModel } from "../support/corpus-model.js";
import { type OllamaServer, startOllamaServer } from "../support/ollama-server.js";
import { DOCSORT_BIN } from "../support/run-docsort.js";
import { tempDir } from "../support/temp-dir.js";
import { startWebhookReceiver, verifySignature, type WebhookReceiver } from "../support/webhook-receiver.js";

const README = fileURLToPath(new URL("../../README.md", import.meta.url));
const RUNNABLE = new Set(["sh", "bash", "console"]);
const COMMAND_TIMEOUT_MS = 180_000;

interface ReadmeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  body: string[];
  /** The `<!-- readme-test: … -->` marker on the line before the fence (blank lines between are allowed). */
  marker: string | undefined;
}

/** Every fenced block of a Markdown text, with its marker. */
function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split("\n");
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^```(\S*)\s*$/.exec(lines[i] ?? "");
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end] ?? "")) end += 1;
    let before = i - 1;
    while (before >= 0 && (lines[before] ?? "").trim() === "") before -= 1;
    const marker = /^<!-- readme-test: (.*) -->$/.exec((lines[before] ?? "").trim())?.[1];
    blocks.push({ line: i + 1, lang: open[1] ?? "", body: lines.slice(i + 1, end), marker });
    i = end;
  }
  return blocks;
}

interface Step {
  command: string;
  /** console blocks: what it must print. */
  output?: string[];
}

/** Commands of a block: `\` continuations joined; comment-only and empty lines dropped. */
function blockSteps(block: ReadmeBlock): Step[] {
  const steps: Step[] = [];
  let pending = "";
  for (const raw of block.body) {
    const isCommand = block.lang !== "console" || raw.startsWith("$ ") || pending !== "";
    if (!isCommand) {
      steps.at(-1)?.output?.push(raw);
      continue;
    }
    const text = block.lang === "console" && pending === "" ? raw.slice(2) : raw;
    if (pending === "" && (text.trim() === "" || text.trim().startsWith("#"))) continue;
    if (text.endsWith("\\")) {
      // bash reads the backslash-newline as the continuation it is
      pending += `${text}\n`;
      continue;
    }
    steps.push({ command: pending + text, ...(block.lang === "console" ? { output: [] } : {}) });
    pending = "";
  }
  return steps;
}

/** One bash process for the whole README: exports, the working folder and variables carry over like a terminal's. */
class Session {
  private readonly child: ChildProcess;
  private buffer = "";
  private count = 0;

  constructor(
    readonly cwd: string,
    env: NodeJS.ProcessEnv,
    private readonly outDir: string,
  ) {
    this.child = spawn("bash", ["--norc", "--noprofile"], {
      cwd,
      env,
      stdio: ["pipe", "pipe", "inherit"],
      detached: true,
    });
    this.child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      this.buffer += chunk;
    });
  }

  /** Runs one command; its stdout and stderr together, and its exit code. */
  async run(command: string): Promise<{ code: number; output: string }> {
    this.count += 1;
    const file = path.join(this.outDir, `out-${this.count}.txt`);
    const marker = `__readme_test_${this.count}__`;
    this.child.stdin?.write(
      `{\n${command}\n} > ${JSON.stringify(file)} 2>&1 < /dev/null\necho "${marker} $?"\n`,
    );
    const deadline = Date.now() + COMMAND_TIMEOUT_MS;
    for (;;) {
      const match = new RegExp(`${marker} (\\d+)`).exec(this.buffer);
      if (match) return { code: Number(match[1]), output: readFileSync(file, "utf8") };
      if (Date.now() > deadline) throw new Error(`no end within ${COMMAND_TIMEOUT_MS} ms: ${command}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  close(): void {
    if (this.child.pid && this.child.exitCode === null) {
      try {
        process.kill(-this.child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
}

const blocks = readmeBlocks(readFileSync(README, "utf8")).filter((b) => RUNNABLE.has(b.lang));

describe("the README's markers", () => {
  it("every skipped or replaced block says why", () => {
    for (const block of blocks) {
      const marker = block.marker ?? "";
      if (/^(skip|instead)\b/.test(marker))
        expect(marker, `README line ${block.line}`).toMatch(/^(skip: .{10,}|instead: .+; .{10,})$/);
      else if (marker !== "")
        expect(marker, `README line ${block.line}`).toMatch(/^(exit \d+|webhook https?:\/\/\S+)$/);
    }
  });

  it("finds the blocks: most of them run", () => {
    expect(blocks.length).toBeGreaterThan(10);
    expect(blocks.filter((b) => !b.marker?.startsWith("skip")).length).toBeGreaterThan(blocks.length / 2);
  });
});

describe.skipIf(!corpusAvailable)("every command in the README", () => {
  let dir: ReturnType<typeof tempDir>;
  let server: OllamaServer;
  let receiver: WebhookReceiver;
  let session: Session;
  const webhooks: string[] = [];

  beforeAll(async () => {
    dir = tempDir("docsort-readme-");
    const work = path.join(dir.path, "work");
    const home = path.join(dir.path, "home");
    const bin = path.join(dir.path, "bin");
    for (const folder of [
      work,
      path.join(work, "inbox"),
      path.join(home, "Downloads"),
      bin,
      path.join(dir.path, "out"),
    ])
      mkdirSync(folder, { recursive: true });
    const copy = (from: string, to: string) => copyFileSync(path.join(LABELED_DIR, from), to);
    copy("letters/complaint_late_delivery.eml", path.join(work, "inbox", "complaint_late_delivery.eml"));
    copy("receipts/scan_0042.txt", path.join(work, "inbox", "scan_0042.txt"));
    copy(
      "contracts/Dienstleistungsvertrag_Reinigung_Glanzwerk.md",
      path.join(work, "inbox", "Dienstleistungsvertrag_Reinigung_Glanzwerk.md"),
    );
    copy("receipts/Corvid_payment_receipt_R-55102.pdf", path.join(work, "scan.pdf"));
    copy("invoices/invoice_from_jonas_pettersen.eml", path.join(work, "mail.eml"));
    copy("invoices/Kestrel_KCS-INV-004512.pdf", path.join(home, "Downloads", "Kestrel_KCS-INV-004512.pdf"));
    // `docsort` and `npx docsort` are this checkout's built CLI
    writeFileSync(path.join(bin, "docsort"), `#!/bin/sh\nexec "${process.execPath}" "${DOCSORT_BIN}" "$@"\n`);
    writeFileSync(
      path.join(bin, "npx"),
      `#!/bin/sh\nif [ "$1" = docsort ]; then shift; exec "${path.join(bin, "docsort")}" "$@"; fi\necho "npx $1: not part of the README test" >&2; exit 127\n`,
    );
    chmodSync(path.join(bin, "docsort"), 0o755);
    chmodSync(path.join(bin, "npx"), 0o755);

    server = await startOllamaServer();
    server.script(corpusModel(loadLabels()));
    receiver = await startWebhookReceiver();
    session = new Session(
      work,
      {
        PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
        HOME: home,
        LANG: "C.UTF-8",
        NO_COLOR: "1",
        OLLAMA_HOST: server.url,
      },
      path.join(dir.path, "out"),
    );
  });

  afterAll(async () => {
    session?.close();
    await server?.close();
    await receiver?.close();
    dir?.cleanup();
  });

  it("runs as written, in order, and each command exits as documented", async () => {
    const report: string[] = [];
    for (const block of blocks) {
      const marker = block.marker ?? "";
      if (marker.startsWith("skip")) continue;
      const instead = /^instead: (.+?); /.exec(marker)?.[1];
      const webhook = /^webhook (\S+)$/.exec(marker)?.[1];
      if (webhook) webhooks.push(webhook);
      const expected = Number(/^exit (\d+)$/.exec(marker)?.[1] ?? 0);
      const steps = instead ? [{ command: instead }] : blockSteps(block);
      for (const step of steps) {
        const command = webhook
          ? step.command.split(webhook).join(`${receiver.url}/hooks/docsort`)
          : step.command;
        const { code, output } = await session.run(command);
        const where = `README line ${block.line}: ${step.command}\n${output}`;
        report.push(`${code}  ${step.command.split("\n")[0]}`);
        expect(code, where).toBe(expected);
        if (step.output) expect(output.trimEnd(), where).toBe(step.output.join("\n").trimEnd());
      }
    }
    expect(report.length).toBeGreaterThan(20);
    // the walkthrough's approval reached the accounting system, signed with the secret the reader exported
    if (webhooks.length > 0) {
      const secret = (await session.run('printf %s "$DOCSORT_WEBHOOK_SECRET"')).output;
      expect(secret.length).toBeGreaterThanOrEqual(16);
      expect(receiver.deliveries.length).toBeGreaterThanOrEqual(1);
      for (const delivery of receiver.deliveries) {
        const header = (name: string) => String(delivery.headers[name] ?? "");
        expect(
          verifySignature(
            secret,
            header("x-docsort-timestamp"),
            delivery.body,
            header("x-docsort-signature"),
          ),
        ).toBe(true);
      }
    }
  }, 1_200_000);
});
