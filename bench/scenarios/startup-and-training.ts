import { seedTrainingExamples } from "../../src/classify/builtin/builtin-classifier.js";
import { BuiltinModel, type TrainingExample } from "../../src/classify/builtin/builtin-model.js";
import { DOCSORT_BIN } from "../../tests/support/run-docsort.js";
import { median } from "../support/harness.js";
import { runMeasured } from "../support/processes.js";
import { atMost } from "../support/report.js";
import { type ScenarioContext, TAXONOMY } from "./common.js";

/** `docsort --help` as a whole process (median of 7), and a retrain of the built-in classifier. */
export async function startupAndTraining(ctx: ScenarioContext) {
  const times: number[] = [];
  for (let i = 0; i < 7; i += 1) {
    const run = await runMeasured(process.execPath, [DOCSORT_BIN, "--help"], {
      env: { PATH: process.env.PATH },
    });
    times.push(run.ms);
  }
  const floor: number[] = [];
  for (let i = 0; i < 7; i += 1) {
    floor.push((await runMeasured(process.execPath, ["-e", "0"], { env: { PATH: process.env.PATH } })).ms);
  }
  const startup = median(times);
  ctx.report.add({
    scenario: "CLI",
    figure: "docsort --help (whole process, median of 7)",
    unit: "ms",
    docsort: startup,
    baseline: median(floor),
    baselineOf: "node -e 0",
    check: atMost(startup, 500),
  });

  const seeds = seedTrainingExamples();
  const examples: TrainingExample[] = [...seeds];
  for (let i = 0; i < 3000; i += 1) {
    const seed = seeds[i % seeds.length] as TrainingExample;
    examples.push({
      category: seed.category,
      text: `${seed.text} reference ${i} customer ${i % 97} sender${i % 13}`,
    });
  }
  const started = performance.now();
  BuiltinModel.train(
    examples,
    TAXONOMY.map((c) => c.name),
  );
  const ms = performance.now() - started;
  ctx.report.add({
    scenario: "built-in classifier",
    figure: "retrain on 3,000 confirmed documents",
    unit: "ms",
    docsort: ms,
    baseline: null,
    baselineOf: "",
    check: atMost(ms, 1000),
  });
}
