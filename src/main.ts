#!/usr/bin/env node
import { runMain } from "./cli/run-main.js";

process.exitCode = await runMain(process.argv.slice(2));
