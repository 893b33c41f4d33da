import path from "node:path";
import { z } from "zod";
import type { CommandResult } from "../effects.js";
import { eventPayload, type HandlerEvent } from "../handler-event.js";
import { defineHandlerKind, HandlerFailure } from "../handler-kind.js";

const configSchema = z.strictObject({
  command: z
    .string()
    .min(1)
    .refine((value) => !/\s/.test(value) || path.isAbsolute(value), {
      message: "one program (a name on PATH or a path), not a command line: put arguments in args",
    })
    .describe("The program: a name on PATH or a path. Never run through a shell."),
  args: z.array(z.string()).default([]).describe("Its arguments, one string each, passed as they are."),
  cwd: z.string().optional().describe("Working folder (default: the folder docsort runs in)."),
  env: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name"), z.string())
    .default({})
    .describe("Extra environment variables."),
  passEnv: z
    .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name"))
    .default([])
    .describe(
      "Variables of docsort's own environment passed on by name (e.g. a token the program needs); nothing else is.",
    ),
  timeoutMs: z.int().positive().default(60_000).describe("Then SIGTERM, and SIGKILL 2 s later."),
  excerptChars: z.int().min(0).max(1_000_000).default(1000).describe("Characters of text in the stdin JSON."),
});

export const commandKind = defineHandlerKind({
  name: "command",
  description: "run a program with an argument list (no shell); the event JSON on stdin, DOCSORT_* variables",
  configSchema,
  exampleConfig: { command: "/usr/local/bin/file-receipt", args: ["--quiet"], timeoutMs: 60000 },
  async run({ config, event, effects, signal, services }) {
    let result: CommandResult;
    try {
      result = await effects.runCommand(
        {
          command: config.command,
          args: config.args,
          stdin: JSON.stringify(eventPayload(event, config.excerptChars)),
          env: {
            ...allowedEnv(process.env, config.passEnv),
            ...config.env,
            ...docsortEnv(event),
          },
          cwd: config.cwd,
          timeoutMs: config.timeoutMs,
          maxOutputChars: services.config.outbox.outputMaxChars,
        },
        signal,
      );
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const missing = code === "ENOENT" || code === "EACCES";
      throw new HandlerFailure(
        missing
          ? `cannot run ${config.command} (${code}): check the path and that it is executable`
          : `cannot run ${config.command}: ${(error as Error).message}`,
        { retry: !missing, cause: error },
      );
    }
    const output = [
      result.stdout && `stdout:\n${result.stdout}`,
      result.stderr && `stderr:\n${result.stderr}`,
    ]
      .filter(Boolean)
      .join("\n");
    if (result.timedOut)
      throw new HandlerFailure(`${config.command} did not finish within ${config.timeoutMs} ms`, {
        retry: true,
        output,
      });
    if (result.exitCode !== 0) {
      const how =
        result.exitCode === null ? `was killed by ${result.signal}` : `exited with ${result.exitCode}`;
      const firstLine = result.stderr.trim().split("\n")[0];
      throw new HandlerFailure(`${config.command} ${how}${firstLine ? `: ${firstLine}` : ""}`, {
        retry: true,
        output,
      });
    }
    return { summary: `${config.command} exited with 0`, output };
  },
});

/** What a script can read without parsing JSON. */
function docsortEnv(event: HandlerEvent): Record<string, string> {
  return {
    DOCSORT_EVENT: event.event,
    DOCSORT_DELIVERY: event.deliveryId,
    DOCSORT_RUN_ID: String(event.runId ?? ""),
    DOCSORT_ATTEMPT: String(event.attempt),
    DOCSORT_REDELIVERY: String(event.redelivery),
    DOCSORT_DOCUMENT_ID: String(event.document.id),
    DOCSORT_DOCUMENT_NAME: event.document.fileName,
    DOCSORT_DOCUMENT_PATH: event.document.path,
    DOCSORT_DOCUMENT_SHA256: event.document.sha256,
    DOCSORT_CATEGORY: event.document.category,
    DOCSORT_CONFIDENCE: event.document.confidence === null ? "" : String(event.document.confidence),
    ...(event.invoice ? { DOCSORT_INVOICE_ID: String(event.invoice.id) } : {}),
  };
}

/** What a program needs to run like in a terminal — and no secret of docsort's (webhook secrets, tokens). */
const INHERITED = /^(PATH|HOME|USER|LOGNAME|LANG|LANGUAGE|LC_[A-Z]+|TZ|TMPDIR)$/;

/** docsort's environment reduced to the allow-list plus the handler's `passEnv` names. */
export function allowedEnv(env: NodeJS.ProcessEnv, passEnv: readonly string[]): Record<string, string> {
  const wanted = new Set(passEnv);
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] =>
        typeof entry[1] === "string" && (INHERITED.test(entry[0]) || wanted.has(entry[0])),
    ),
  );
}
