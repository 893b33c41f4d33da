import os from "node:os";

/** Who made a decision: --by, else the OS user name. */
export function resolveActor(by: string | undefined): string {
  if (by?.trim()) return by.trim();
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? "unknown";
  }
}
