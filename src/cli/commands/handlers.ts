import type { Command } from "commander";
import { z } from "zod";
import { App, type GlobalOptions } from "../../app.js";
import { UsageError } from "../../errors.js";
import { defineHandler } from "../../handlers/handler-definition.js";
import { createHandlerRegistry } from "../../handlers/index.js";
import { preflightHandler } from "../../handlers/preflight.js";
import { testHandler } from "../../handlers/test-handler.js";
import { redactConfig } from "../../log/redact.js";
import { nowIso } from "../../store/clock.js";
import { HANDLER_TRIGGERS } from "../../store/handler-triggers.js";
import type { HandlerRecord } from "../../store/handlers-repo.js";
import type { Store } from "../../store/store.js";
import { resolveDocument } from "../document-id.js";
import { markFailed } from "../exit-status.js";
import { globalOptions } from "../global-options.js";
import { printJson, printLine, printNote, truncate } from "../output/print.js";
import { startProgress } from "../output/progress.js";
import { renderTable } from "../output/table.js";
import { parseInput } from "../parse-input.js";
import { withApp } from "../with-app.js";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const nameSchema = z.string().regex(NAME, "letters, digits, . _ - (at most 64)");
const jsonOption = z.object({ json: z.boolean().optional() });
const listOptions = jsonOption.extend({ wide: z.boolean().optional() });
const addOptions = z.object({
  kind: z.string().min(1),
  on: z.string().optional(),
  trigger: z.enum(HANDLER_TRIGGERS).default("document.classified"),
  minConfidence: z.coerce.number().min(0).max(1).default(0),
  config: z.string().optional(),
  disabled: z.boolean().optional(),
  order: z.coerce.number().int().optional(),
  replace: z.boolean().optional(),
});
const testOptions = z.object({ document: z.string().min(1), json: z.boolean().optional() });

export function registerHandlers(program: Command): void {
  const handlers = program
    .command("handlers")
    .description("the automation: what runs when a document is classified or an invoice changes");

  handlers
    .command("list")
    .description("every handler, in the order they run")
    .option("--json", "print a JSON array")
    .option("--wide", "every column in full (a terminal otherwise cuts long cells with …)")
    .action((raw: unknown, command: Command) =>
      withApp(command, (app) => {
        const options = parseInput(listOptions, raw);
        const list = app.store.handlers.list();
        if (options.json) return printJson(list.map((h) => ({ ...h, config: redactConfig(h.config) })));
        const rows = list.map((h) => [
          h.name,
          h.kind,
          h.trigger,
          h.categories.join(","),
          h.minConfidence,
          h.enabled ? "yes" : "no",
          h.position,
          JSON.stringify(redactConfig(h.config)),
        ]);
        const columns = [
          "NAME",
          "KIND",
          "TRIGGER",
          { header: "ON", flex: true },
          "MIN CONF",
          "ENABLED",
          "ORDER",
          { header: "CONFIG", flex: true, pipeMax: 50 },
        ];
        printLine(renderTable(columns, rows, { wide: options.wide }));
      }),
    );

  handlers
    .command("kinds")
    .description("the kinds of handler there are, with an example config each")
    .option("--json", "print a JSON array")
    .action((raw: unknown) => {
      const options = parseInput(jsonOption, raw);
      const kinds = createHandlerRegistry()
        .all()
        .map((k) => ({ kind: k.name, description: k.description, example: k.exampleConfig }));
      if (options.json) return printJson(kinds);
      for (const k of kinds)
        printLine(`${k.kind.padEnd(9)} ${k.description}\n          example: ${JSON.stringify(k.example)}`);
    });

  handlers
    .command("add")
    .description("add a handler (its config is checked against the kind's schema)")
    .argument("<name>", "a name for it")
    .requiredOption("--kind <kind>", "invoice, move, copy, webhook or command")
    .option("--on <categories>", 'categories it fires on, comma-separated ("*" for all)')
    .option("--trigger <trigger>", `when it fires (${HANDLER_TRIGGERS.join(", ")})`)
    .option("--min-confidence <x>", "only when the classification is at least this confident (0-1)")
    .option("--config <json>", "the kind's config: a JSON object, or @file.json")
    .option("--order <n>", "position among handlers (runs of one document go in this order)")
    .option("--disabled", "add it switched off")
    .option("--replace", "replace a handler of the same name (a changed config runs again for new decisions)")
    .action(async (rawName: string, raw: unknown, command: Command) => {
      const name = parseInput(nameSchema, rawName, "handler name");
      const options = parseInput(addOptions, raw);
      const { handlerConfig, global } = splitConfigOption(command, options.config);
      const app = App.open(global, false);
      try {
        const definition = defineHandler(
          {
            name,
            kind: options.kind,
            on: options.on,
            trigger: options.trigger,
            minConfidence: options.minConfidence,
            config: handlerConfig,
            enabled: options.disabled !== true,
            order: options.order,
          },
          createHandlerRegistry(),
          app.config.taxonomy,
          process.cwd(),
        );
        const exists = app.store.handlers.get(name);
        if (exists && !options.replace)
          throw new UsageError(`a handler named ${name} exists already (use --replace, or another name).`);
        const saved = exists
          ? app.store.handlers.replace(name, definition, nowIso())
          : app.store.handlers.add(definition, nowIso());
        printLine(`${exists ? "replaced" : "added"} ${describe(saved)}`);
        const { problems } = await preflightHandler(saved, createHandlerRegistry(), {
          env: process.env,
          cwd: process.cwd(),
        });
        for (const problem of problems) printNote(`warning: ${name}: ${problem.problem}; ${problem.fix}`);
      } finally {
        app.close();
      }
    });

  handlers
    .command("show")
    .description("a handler, its config and its recent runs")
    .argument("<name>")
    .option("--json", "print one JSON object")
    .action((name: string, raw: unknown, command: Command) =>
      withApp(command, (app) => {
        const options = parseInput(jsonOption, raw);
        const handler = findHandler(app.store, name);
        const runs = app.store.handlerRuns.list({ limit: 200 }).filter((r) => r.handlerName === handler.name);
        if (options.json)
          return printJson({ handler: { ...handler, config: redactConfig(handler.config) }, runs });
        printLine(describe(handler));
        printLine(
          `  config version ${handler.configVersion}, order ${handler.position}, added ${handler.createdAt}`,
        );
        printLine(`  config ${JSON.stringify(redactConfig(handler.config), null, 2).replace(/\n/g, "\n  ")}`);
        printLine(`  runs: ${runs.length === 0 ? "none" : ""}`);
        for (const r of runs.slice(0, 20))
          printLine(
            `    #${r.id} document #${r.documentId} ${r.status} (${r.attempts} tries)${r.lastError ? ` — ${truncate(r.lastError, 80)}` : ""}`,
          );
      }),
    );

  for (const [verb, enabled] of [
    ["enable", true],
    ["disable", false],
  ] as const) {
    handlers
      .command(verb)
      .description(
        verb === "disable"
          ? "disable a handler: it gets no new runs, and its waiting runs wait until it is enabled"
          : "enable a handler",
      )
      .argument("<name>")
      .action((name: string, _raw: unknown, command: Command) =>
        withApp(command, (app) => {
          findHandler(app.store, name);
          app.store.handlers.setEnabled(name, enabled, nowIso());
          const waiting = waitingRuns(app.store, name);
          const note = enabled ? "run from now on" : "wait until it is enabled again";
          printLine(
            `${name} ${enabled ? "enabled" : "disabled"}${waiting > 0 ? ` (${waiting} waiting run(s) ${note})` : ""}`,
          );
        }),
      );
  }

  handlers
    .command("remove")
    .description("remove a handler; its runs stay listed, runs still waiting will not run")
    .argument("<name>")
    .action((name: string, _raw: unknown, command: Command) =>
      withApp(command, (app) => {
        findHandler(app.store, name);
        const waiting = waitingRuns(app.store, name);
        app.store.handlers.remove(name);
        printLine(
          `removed ${name}${waiting > 0 ? ` (${waiting} waiting run(s) will end dead: handler removed)` : ""}`,
        );
      }),
    );

  handlers
    .command("test")
    .description("run a handler once on a document, dry: prints what it would do, changes nothing")
    .argument("<name>")
    .requiredOption("--document <id>", "the document to try it on")
    .option("--json", "print one JSON object")
    .action((name: string, raw: unknown, command: Command) =>
      withApp(command, async (app) => {
        const options = parseInput(testOptions, raw);
        const handler = findHandler(app.store, name);
        const document = resolveDocument(app.store, options.document);
        const progress = startProgress(`trying ${handler.name} on document #${document.id}`);
        const report = await testHandler(
          { services: app.handlerServices(), registry: createHandlerRegistry() },
          handler,
          document,
        ).finally(() => progress.done());
        if (options.json) printJson(report);
        else {
          printLine(
            `dry run of ${handler.name} (${handler.kind}) on document #${document.id} — nothing is changed`,
          );
          for (const effect of report.effects) printLine(`  ${effect.replace(/\n/g, "\n  ")}`);
          printLine(
            report.ok
              ? `  result (simulated): ${report.summary}`
              : `  would fail: ${report.summary}${report.wouldRetry ? " (and be retried)" : " (and be dead)"}`,
          );
        }
        if (!report.ok) markFailed();
      }),
    );
}

/** Runs of handler `name` that have not run yet or wait for another attempt. */
function waitingRuns(store: Store, name: string): number {
  return store.handlerRuns
    .list()
    .filter((r) => r.handlerName === name && (r.status === "pending" || r.status === "failed")).length;
}

function describe(h: HandlerRecord): string {
  const on = h.trigger === "document.classified" ? ` on ${h.categories.join(",")}` : "";
  const confidence = h.minConfidence > 0 ? ` at confidence ≥ ${h.minConfidence}` : "";
  return `${h.name}: ${h.kind} handler, fires on ${h.trigger}${on}${confidence}${h.enabled ? "" : " (disabled)"}`;
}

function findHandler(store: Store, name: string): HandlerRecord {
  const handler = store.handlers.get(name);
  if (!handler) throw new UsageError(`there is no handler named ${name} (see docsort handlers list).`);
  return handler;
}

/**
 * The program's `--config` (docsort's config file) and this command's `--config` (the handler's config) share a
 * name, and commander hands the value to the program. A JSON object or an @file is the handler's config; any other
 * value is a config file path.
 */
function splitConfigOption(
  command: Command,
  own: string | undefined,
): { handlerConfig: string | undefined; global: GlobalOptions } {
  const global = globalOptions(command);
  const candidate = own ?? global.configPath;
  if (candidate !== undefined && /^\s*[{@]/.test(candidate)) {
    return {
      handlerConfig: candidate,
      global: { ...global, configPath: own === undefined ? undefined : global.configPath },
    };
  }
  return { handlerConfig: own, global };
}
