#!/usr/bin/env node
import { endQuietlyWhenOutputCloses } from "./cli/closed-output.js";
import { runCli } from "./cli/run-cli.js";

endQuietlyWhenOutputCloses();
process.exitCode = await runCli(process.argv.slice(2));
