#!/usr/bin/env node
import { endQuietlyWhenOutputCloses } from "./cli/closed-output.js";
import { runCli } from "./cli/run-cli.js";
import { chooseZodMode } from "./cli/zod-mode.js";

endQuietlyWhenOutputCloses();
await chooseZodMode(process.argv.slice(2));
process.exitCode = await runCli(process.argv.slice(2));
