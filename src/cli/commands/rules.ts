import type { Command } from "commander";
import { z } from "zod";
import { App } from "../../app.js";
import { compileRulePattern, describeRule } from "../../classify/rules/match-rules.js";
import { suggestRules } from "../../classify/rules/suggest-rules.js";
import { UsageError } from "../../errors.js";
import { resolveActor } from "../../review/actor.js";
import { nowIso } from "../../store/clock.js";
import { ExamplesIndex } from "../../store/examples-index.js";
import { RULE_FIELDS, RulesRepo } from "../../store/rules-repo.js";
import { globalOptions } from "../global-options.js";
import { printJson, printLine } from "../output/print.js";
import { renderTable } from "../output/table.js";
import { parseInput } from "../parse-input.js";

const addOptions = z
  .object({
    keyword: z.string().min(1).optional(),
    regex: z.string().min(1).optional(),
    on: z.enum(RULE_FIELDS).default("text"),
    note: z.string().min(1).optional(),
    by: z.string().min(1).optional(),
    json: z.boolean().optional(),
  })
  .refine((o) => (o.keyword === undefined) !== (o.regex === undefined), {
    message: "give exactly one of --keyword or --regex",
    path: ["keyword"],
  })
  .refine((o) => o.regex === undefined || compileRulePattern(o.regex) !== undefined, {
    message: "not a valid regular expression",
    path: ["regex"],
  });

const jsonOption = z.object({ json: z.boolean().optional() });
const suggestOptions = z.object({
  min: z.coerce.number().int().positive().default(3),
  json: z.boolean().optional(),
});
const idSchema = z.coerce.number().int().positive();

/** Deterministic rules: they run before any model, and what they decide is recorded as source `rule`. */
export function registerRules(program: Command): void {
  const rules = program
    .command("rules")
    .description("deterministic classification rules (run before the model)");

  rules
    .command("add")
    .description("add a rule: documents whose text, file name or sender match go to CATEGORY")
    .argument("<category>", "the category matching documents get")
    .option("--keyword <text>", "matches when the field contains this text (case-insensitive)")
    .option("--regex <pattern>", "matches when this regular expression matches (case-insensitive)")
    .option("--on <field>", `what to look at: ${RULE_FIELDS.join(", ")} (default text)`)
    .option("--note <text>", "why the rule exists")
    .option("--by <name>", "who adds it (default: the OS user name)")
    .option("--json", "print the rule as JSON")
    .action((category: string, raw: unknown, command: Command) => {
      const options = parseInput(addOptions, raw);
      const app = App.open(globalOptions(command), false);
      try {
        const categories = app.config.taxonomy.map((c) => c.name);
        if (!categories.includes(category)) {
          throw new UsageError(`"${category}" is not a category; choose one of ${categories.join(", ")}.`);
        }
        const rule = new RulesRepo(app.store.db).add(
          {
            field: options.on,
            match: options.keyword !== undefined ? "keyword" : "regex",
            pattern: options.keyword ?? options.regex ?? "",
            category,
            note: options.note ?? null,
            createdBy: resolveActor(options.by),
          },
          nowIso(),
        );
        if (options.json) printJson(rule);
        else printLine(`added rule ${describeRule(rule)}`);
      } finally {
        app.close();
      }
    });

  rules
    .command("list")
    .description("list the rules")
    .option("--json", "print a JSON array")
    .action((raw: unknown, command: Command) => {
      const options = parseInput(jsonOption, raw);
      const app = App.open(globalOptions(command), false, "existing");
      try {
        const all = new RulesRepo(app.store.db).list();
        if (options.json) printJson(all);
        else if (all.length === 0) printLine("no rules (see docsort rules suggest)");
        else {
          printLine(
            renderTable(
              [
                "ID",
                "FIELD",
                "MATCH",
                { header: "PATTERN", flex: true },
                "CATEGORY",
                "BY",
                { header: "NOTE", flex: true },
              ],
              all.map((r) => [
                r.id,
                r.field,
                r.match,
                r.pattern,
                r.category,
                r.createdBy ?? "",
                r.note ?? "",
              ]),
            ),
          );
        }
      } finally {
        app.close();
      }
    });

  rules
    .command("remove")
    .description("remove a rule")
    .argument("<id>", "rule id (see docsort rules list)")
    .action((raw: string, _options: unknown, command: Command) => {
      const id = parseInput(idSchema, raw, "rule id");
      const app = App.open(globalOptions(command), false, "existing");
      try {
        const repo = new RulesRepo(app.store.db);
        const rule = repo.get(id);
        if (!rule || !repo.remove(id))
          throw new UsageError(`there is no rule #${id} (see docsort rules list).`);
        printLine(`removed rule ${describeRule(rule)}`);
      } finally {
        app.close();
      }
    });

  rules
    .command("suggest")
    .description("propose rules from repeated corrections (same sender, letterhead or file-name prefix)")
    .option("--min <n>", "corrections needed before a rule is proposed (default 3)")
    .option("--json", "print a JSON array")
    .action((raw: unknown, command: Command) => {
      const options = parseInput(suggestOptions, raw);
      const app = App.open(globalOptions(command), false, "existing");
      try {
        const suggestions = suggestRules(
          new ExamplesIndex(app.store.db).all(),
          new RulesRepo(app.store.db).list(),
          options.min,
        );
        if (options.json) {
          printJson(suggestions);
          return;
        }
        if (suggestions.length === 0) {
          printLine(
            `no suggestions: no sender or file name with ${options.min}+ corrections to one category`,
          );
          return;
        }
        for (const s of suggestions) {
          printLine(
            `${s.field} contains ${JSON.stringify(s.pattern)} → ${s.category}: ${s.corrections} corrections, ${s.confirmed} confirmed documents (#${s.documentIds.join(", #")})`,
          );
          printLine(`  docsort rules add ${s.category} --on ${s.field} --keyword ${shellQuote(s.pattern)}`);
        }
      } finally {
        app.close();
      }
    });
  for (const sub of rules.commands) sub.exitOverride();
}

function shellQuote(value: string): string {
  return /^[\w@.-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}
