import type { MailAccount } from "../../config/mail-schema.js";
import { errorMessage } from "../../errors.js";

/** What kind of fault it was: decides how soon docsort tries again. */
export type MailFaultKind = "auth" | "tls" | "unreachable" | "folder" | "connection" | "server";

export interface MailFault {
  kind: MailFaultKind;
  /** One sentence for people: what is wrong and what to do. */
  message: string;
}

interface ImapErrorShape {
  code?: string;
  authenticationFailed?: boolean;
  tlsFailed?: boolean;
  responseText?: string;
  serverResponseCode?: string;
  mailboxMissing?: boolean;
  path?: string;
  cause?: unknown;
  _err?: unknown;
}

const CERTIFICATE_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/**
 * Turns an imapflow or socket error into one sentence about the account's configuration. Codes come from Node
 * (ECONNREFUSED, ENOTFOUND, TLS verification codes) and imapflow (`authenticationFailed`, `mailboxMissing`,
 * NoConnection, …); see imapflow's errors.d.ts.
 */
export function explainImapError(error: unknown, account: MailAccount, port: number): MailFault {
  const e = (typeof error === "object" && error !== null ? error : {}) as ImapErrorShape;
  const inner = (e._err ?? e.cause ?? {}) as ImapErrorShape;
  const code = e.code ?? inner.code ?? "";
  const where = `${account.host}:${port}`;
  const detail = e.responseText ?? errorMessage(error);
  if (e.authenticationFailed || e.serverResponseCode === "AUTHENTICATIONFAILED")
    return {
      kind: "auth",
      message: `${where} refused the login of "${account.user}" (${detail}): check the user name and the password${account.passwordEnv ? ` in ${account.passwordEnv}` : " file"} — Gmail and Outlook need an app password.`,
    };
  if (CERTIFICATE_CODES.has(code))
    return {
      kind: "tls",
      message: `the certificate of ${where} is not trusted (${code}): for a server with a self-signed certificate, set caFile to its certificate (PEM); check that host is the name in the certificate.`,
    };
  if (e.mailboxMissing)
    return {
      kind: "folder",
      message: `the folder "${e.path ?? "?"}" does not exist on ${where}: run docsort mail test ${account.name} to list the folders and fix folders or moveTo.`,
    };
  if (code === "ECONNREFUSED")
    return {
      kind: "unreachable",
      message: `nothing answers at ${where} (connection refused): check host and port, and that the server is running.`,
    };
  if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    return {
      kind: "unreachable",
      message: `the host name ${account.host} cannot be resolved (${code}): check host.`,
    };
  if (code === "ETIMEDOUT" || code === "CONNECT_TIMEOUT" || code === "EHOSTUNREACH" || code === "ENETUNREACH")
    return {
      kind: "unreachable",
      message: `${where} cannot be reached (${code}): check host, port and the network.`,
    };
  if (
    code === "GREETING_TIMEOUT" ||
    /wrong version number|packet length too long|ssl3_get_record/i.test(detail)
  )
    return {
      kind: "tls",
      message: `${where} does not speak ${account.security === "tls" ? "implicit TLS" : "plain IMAP"} (${code || detail}): use security "${account.security === "tls" ? "starttls" : "tls"}" or the matching port (993 for tls, 143 for starttls).`,
    };
  if (e.tlsFailed || /STARTTLS/i.test(detail))
    return {
      kind: "tls",
      message: `${where} cannot start TLS (${detail}): use security "tls" with port 993, or check the server's TLS setup.`,
    };
  if (code === "NoConnection" || code === "EConnectionClosed" || code === "ECONNRESET" || code === "EPIPE")
    return { kind: "connection", message: `the connection to ${where} was lost (${code}).` };
  return { kind: "server", message: `${where}: ${detail}${code ? ` (${code})` : ""}.` };
}
