import { mkdirSync } from "node:fs";
import path from "node:path";
import pino from "pino";

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

export function createLogger(options: LoggerOptions): Logger {
  const fileLog = options.file ? openFileLog(options.file, options.level) : undefined;
  const stderr = options.stderr ?? process.stderr;
  const write = (level: LogLevel) => (message: string, data?: LogData) => {
    if (ORDER[level] < ORDER[options.level]) return;
    fileLog?.[level](data ?? {}, message);
    if (options.console && ORDER[level] >= ORDER.warn) stderr.write(`docsort: ${level}: ${message}\n`);
  };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}

function openFileLog(file: string, level: LogLevel): pino.Logger {
  mkdirSync(path.dirname(file), { recursive: true });
  return pino(
    { level, base: { pid: process.pid } },
    pino.destination({ dest: file, sync: true, mkdir: true }),
  );
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
