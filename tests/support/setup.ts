import { afterAll } from "vitest";
import { killAllDocsort } from "./run-docsort.js";

// No test file leaves a docsort process (or what it started) running, whatever happened in it.
afterAll(() => killAllDocsort());
