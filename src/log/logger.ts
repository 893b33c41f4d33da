import { mkdirSync } from "node:fs";
import path from "node:path";
import pino from "pino";
import { redactSecrets } from "./redact.js";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogData = Record<string, unknown>;

export interface Logger {
  debug(message: string, data?: LogData): void;
  info(message: string, data?: LogData): void;
  warn(message: string, data?: LogData): void;
  error(message: string, data?: LogData): void;
}

/** Where console lines go: process.stderr, or the CLI's terminal (which keeps them above its live line). */
export interface LineSink {
  write(text: string): unknown;
}

export interface LoggerOptions {
  /** JSON lines go here (pino); omitted: no file log. */
  file?: string | undefined;
  level: LogLevel;
  /** Warnings and errors are also written to stderr as plain sentences. */
  console?: boolean;
  stderr?: LineSink | undefined;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * Logging never stops docsort: a log that cannot be written (disk full, removed folder) is reported once on stderr
 * and its lines are dropped until it can be written again. Credentials in URLs are masked in every line.
 */
export function createLogger(options: LoggerOptions): Logger {
  const stderr = options.stderr ?? process.stderr;
  const say = (text: string) => {
    try {
      stderr.write(text);
    } catch {
      // nowhere left to say it
    }
  };
  let failing = false;
  const onFileError = (error: unknown) => {
    if (failing) return;
    failing = true;
    say(
      `docsort: warn: cannot write the log ${options.file} (${errorCode(error)}); log lines are dropped until it can be written\n`,
    );
  };
  const fileLog = options.file ? openFileLog(options.file, options.level, onFileError) : undefined;
  const write = (level: LogLevel) => (message: string, data?: LogData) => {
    if (ORDER[level] < ORDER[options.level]) return;
    const text = redactSecrets(message);
    if (fileLog) {
      try {
        const before = fileLog.errors;
        fileLog.logger[level](data ?? {}, text);
        if (fileLog.errors === before && failing) {
          failing = false;
          say("docsort: warn: the log can be written again\n");
        }
      } catch (error) {
        onFileError(error);
      }
    }
    if (options.console && ORDER[level] >= ORDER.warn) say(`docsort: ${level}: ${text}\n`);
  };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}

interface FileLog {
  logger: pino.Logger;
  /** Write errors so far: a line that raised none was written. */
  errors: number;
}

function openFileLog(file: string, level: LogLevel, onError: (error: unknown) => void): FileLog | undefined {
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const destination = pino.destination({ dest: file, sync: true, mkdir: true, mode: 0o600 });
    const state: FileLog = { logger: pino({ level, base: { pid: process.pid } }, destination), errors: 0 };
    // without a listener, a failed write (ENOSPC) would be an uncaught 'error' event and end the process
    destination.on("error", (error: unknown) => {
      state.errors += 1;
      onError(error);
    });
    return state;
  } catch (error) {
    onError(error);
    return undefined;
  }
}

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code ?? (error instanceof Error ? error.message : String(error));
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
