import { readFileSync } from "node:fs";
import path from "node:path";
import type { MailAccount } from "../../config/mail-schema.js";
import { ConfigError } from "../../errors.js";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The account's password, read when docsort connects and never stored: from the environment variable named by
 * `passwordEnv`, or the first line of `passwordFile` (relative to `baseDir`, the config file's folder).
 * Throws ConfigError with one sentence when it is missing.
 */
export function readPassword(account: MailAccount, baseDir: string, env: Env = process.env): string {
  if (account.passwordEnv) {
    const value = env[account.passwordEnv];
    if (!value)
      throw new ConfigError(
        `mail account "${account.name}": the environment variable ${account.passwordEnv} (passwordEnv) is not set; export it with the account's password or app password.`,
      );
    return value;
  }
  const file = path.resolve(baseDir, account.passwordFile ?? "");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new ConfigError(
      `mail account "${account.name}": cannot read the password file ${file} (${code}); create it with the password on its first line.`,
      { cause: error },
    );
  }
  const password = text.split(/\r?\n/, 1)[0] ?? "";
  if (!password) throw new ConfigError(`mail account "${account.name}": the password file ${file} is empty.`);
  return password;
}
