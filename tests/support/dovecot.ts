import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { rootCertificates } from "node:tls";
import { ImapFlow } from "imapflow";
import { tempDir } from "./temp-dir.js";

export const DOVECOT_BIN = "/usr/sbin/dovecot";
export const USER = "tester";

/**
 * A real Debian dovecot for the tests (package dovecot-imapd, installed by .ci/run): started on loopback with
 * unprivileged ports, a throw-away passwd-file user and a maildir in a temp folder, a self-signed certificate
 * made with openssl. `close()` kills its whole process group and removes the folder.
 */
export interface Dovecot {
  root: string;
  host: string;
  /** Implicit TLS. */
  tlsPort: number;
  /** Plain IMAP with STARTTLS offered. */
  plainPort: number;
  /** The self-signed certificate (PEM) to give docsort as caFile. */
  certFile: string;
  user: string;
  password: string;
  setPassword(password: string): void;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Renumbers the INBOX from 1 under a new UIDVALIDITY, as a server rebuilding its index does. */
  resetUidValidity(uidValidity: number): Promise<void>;
  /** A connection of the test's own, to append messages and look at flags. */
  admin(): Promise<ImapFlow>;
  /** `received` sets the INTERNALDATE (when the server got it). */
  append(raw: string | Buffer, folder?: string, received?: Date): Promise<void>;
  /** Deletes every message of the folder (UIDs go on growing, as on any server). */
  clear(folder?: string): Promise<void>;
  messages(folder?: string): Promise<{ uid: number; messageId: string | undefined; flags: string[] }[]>;
  close(): Promise<void>;
}

export function dovecotInstalled(): boolean {
  return existsSync(DOVECOT_BIN);
}

export async function startDovecot(): Promise<Dovecot> {
  if (!dovecotInstalled())
    throw new Error("dovecot is not installed: apt-get install dovecot-imapd (.ci/run does this)");
  const dir = tempDir("docsort-dovecot-");
  const root = dir.path;
  execFileSync("chmod", ["755", root]);
  const certFile = path.join(root, "cert.pem");
  const keyFile = path.join(root, "key.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-days",
      "2",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  const [tlsPort, plainPort] = [await freePort(), await freePort()];
  const mailRoot = path.join(root, "mail");
  mkdirSync(mailRoot);
  mkdirSync(path.join(root, "state"));
  const ids = mailUser();
  chownSync(mailRoot, ids.uid, ids.gid);
  const passwd = path.join(root, "passwd");
  const conf = path.join(root, "dovecot.conf");
  let password = "s3cret-pass";
  const writePasswd = () => writeFileSync(passwd, `${USER}:{PLAIN}${password}\n`);
  writePasswd();
  writeFileSync(conf, config(root, { tlsPort, plainPort, certFile, keyFile, passwd, mailRoot, ...ids }));

  let master: ChildProcess | undefined;
  const start = async () => {
    const child = spawn(DOVECOT_BIN, ["-F", "-c", conf], { detached: true, stdio: "ignore" });
    master = child;
    await waitFor(
      async () => (await canConnect(tlsPort)) && (await canConnect(plainPort)),
      20_000,
      () => {
        const log = path.join(root, "dovecot.log");
        return `dovecot did not start: ${existsSync(log) ? readFileSync(log, "utf8").slice(-2000) : "no log"}`;
      },
    );
  };
  const stop = async () => {
    const child = master;
    master = undefined;
    if (!child || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once("exit", () => resolve());
    });
    killGroup(child.pid, "SIGTERM");
    const timer = setTimeout(() => killGroup(child.pid ?? 0, "SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
    // the master's children (imap, imap-login, auth) share its process group
    killGroup(child.pid, "SIGKILL");
    await waitFor(
      async () => !(await canConnect(tlsPort)),
      10_000,
      () => "dovecot did not stop",
    );
  };
  await start();

  const connect = async () => {
    const client = new ImapFlow({
      host: "127.0.0.1",
      port: tlsPort,
      secure: true,
      auth: { user: USER, pass: password },
      logger: false,
      tls: { ca: [...rootCertificates, readFileSync(certFile, "utf8")] },
    });
    client.on("error", () => {});
    await client.connect();
    return client;
  };

  const server: Dovecot = {
    root,
    host: "127.0.0.1",
    tlsPort,
    plainPort,
    certFile,
    user: USER,
    get password() {
      return password;
    },
    setPassword(next) {
      password = next;
      writePasswd();
    },
    start,
    stop,
    async resetUidValidity(uidValidity) {
      await stop();
      const maildir = path.join(mailRoot, USER, "Maildir");
      const list = path.join(maildir, "dovecot-uidlist");
      const files = readFileSync(list, "utf8")
        .split("\n")
        .slice(1)
        .filter(Boolean)
        .map((line) => line.slice(line.indexOf(":") + 1));
      const lines = files.map((file, index) => `${index + 1} :${file}`);
      const header = `3 V${uidValidity} N${files.length + 1}`;
      writeFileSync(list, `${[header, ...lines].join("\n")}\n`);
      chownSync(list, ids.uid, ids.gid);
      for (const name of readdirSync(maildir))
        if (name.startsWith("dovecot.index")) rmSync(path.join(maildir, name), { force: true });
      await start();
    },
    admin: connect,
    async append(raw, folder = "INBOX", received) {
      const client = await connect();
      try {
        await client.append(folder, raw, [], received);
      } finally {
        await client.logout();
      }
    },
    async clear(folder = "INBOX") {
      const client = await connect();
      try {
        const lock = await client.getMailboxLock(folder);
        try {
          if (client.mailbox && client.mailbox.exists > 0) await client.messageDelete("1:*");
        } finally {
          lock.release();
        }
      } finally {
        await client.logout();
      }
    },
    async messages(folder = "INBOX") {
      const client = await connect();
      try {
        const lock = await client.getMailboxLock(folder, { readOnly: true });
        try {
          const exists = client.mailbox ? client.mailbox.exists : 0;
          if (exists === 0) return [];
          const all = await client.fetchAll("1:*", { uid: true, envelope: true, flags: true });
          return all.map((m) => ({
            uid: m.uid,
            messageId: m.envelope?.messageId,
            flags: [...(m.flags ?? [])].filter((f) => f !== "\\Recent"),
          }));
        } finally {
          lock.release();
        }
      } finally {
        await client.logout();
      }
    },
    async close() {
      await stop();
      dir.cleanup();
    },
  };
  return server;
}

interface Ids {
  uid: number;
  gid: number;
  /** Unix users dovecot runs its own processes as. */
  internalUser: string;
  loginUser: string;
}

/** As root, dovecot's own system users (made by the package); otherwise everything runs as this user. */
function mailUser(): Ids {
  const self = os.userInfo();
  if (self.uid !== 0)
    return { uid: self.uid, gid: self.gid, internalUser: self.username, loginUser: self.username };
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((entry) => entry.startsWith("dovecot:"));
  const [, , uid, gid] = line?.split(":") ?? [];
  if (!uid || !gid) throw new Error("the dovecot system user is missing: reinstall dovecot-core");
  return { uid: Number(uid), gid: Number(gid), internalUser: "dovecot", loginUser: "dovenull" };
}

function config(
  root: string,
  o: Ids & {
    tlsPort: number;
    plainPort: number;
    certFile: string;
    keyFile: string;
    passwd: string;
    mailRoot: string;
  },
): string {
  return `
base_dir = ${root}/run
state_dir = ${root}/state
log_path = ${root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <${o.certFile}
ssl_key = <${o.keyFile}
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = ${o.internalUser}
default_login_user = ${o.loginUser}
first_valid_uid = ${o.uid}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${o.passwd}
}
userdb {
  driver = static
  args = uid=${o.uid} gid=${o.gid} home=${o.mailRoot}/%u
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
  mailbox Archive {
    auto = create
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${o.plainPort}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${o.tlsPort}
    ssl = yes
  }
}
service anvil {
  chroot =
}
`;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
