import { statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createE2eEnv, documentPart, type E2eEnv } from "../support/e2e-env.js";
import { lastUserText, type RecordedRequest, type Reply } from "../support/ollama-server.js";
import { type DocsortProcess, runDocsort, startDocsort } from "../support/run-docsort.js";
import { stopDocsort } from "../support/stop-docsort.js";

const TAXI = "Stadt-Taxi Kessel\nQuittung\nFahrt vom Hauptbahnhof zum Messegelände\nFahrpreis EUR 23,40\n";
const MEMO = "Memo to all staff\nThe canteen will be closed on Friday for cleaning.\n";

function model(request: RecordedRequest): Reply {
  const text = documentPart(lastUserText(request));
  const taxi = text.includes("Taxi");
  return {
    kind: "json",
    value: {
      category: taxi ? "receipt" : "letter",
      confidence: 0.9,
      summary: "x",
      evidence: text.split("\n")[0] ?? "",
    },
  };
}

let env: E2eEnv;
beforeAll(async () => {
  env = await createE2eEnv();
  env.server.script(model);
  env.writeConfig({ intake: { stableMs: 100 } });
  writeFileSync(path.join(env.inbox, "taxi.txt"), TAXI);
  writeFileSync(path.join(env.inbox, "memo.txt"), MEMO);
  const watched = await runDocsort(["watch", "--once"], env);
  if (watched.code !== 0) throw new Error(watched.stderr);
}, 60_000);
afterAll(async () => env?.cleanup());

const running: DocsortProcess[] = [];
/** A docsort child that afterEach stops even when the test failed half-way. */
function start(args: string[]): DocsortProcess {
  const child = startDocsort(args, env);
  running.push(child);
  return child;
}
async function stop(child: DocsortProcess): Promise<number | null> {
  return (await stopDocsort(child)).code;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((child) => stopDocsort(child)));
});

describe("docsort search", () => {
  it("finds documents by a word in their text, as a table or as JSON", async () => {
    const table = await runDocsort(["search", "hauptbahnhof"], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain("taxi.txt");
    expect(table.stdout).toContain("[Hauptbahnhof]");
    const json = await runDocsort(["search", "canteen", "friday", "--json"], env);
    const result = JSON.parse(json.stdout) as {
      total: number;
      items: { name: string; snippet: { hit: boolean }[] }[];
    };
    expect(result.total).toBe(1);
    expect(result.items[0]?.name).toBe("memo.txt");
    expect(result.items[0]?.snippet.filter((p) => p.hit)).toHaveLength(2);
    const filtered = await runDocsort(["search", "canteen", "--category", "receipt", "--json"], env);
    expect(JSON.parse(filtered.stdout)).toMatchObject({ total: 0, items: [] });
  });

  it("refuses bad filters with exit code 2 and the option's name", async () => {
    const bad = await runDocsort(["search", "x", "--from", "yesterday"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--from");
    expect((await runDocsort(["search", "x", "--status", "lost"], env)).code).toBe(2);
  });
});

describe("docsort serve and docsort token", () => {
  it("prints a sign-in URL on 127.0.0.1, keeps the token in a file only the user can read, stops on SIGTERM", async () => {
    const serve = start(["serve", "--port", "0"]);
    await serve.waitForOutput(/open this URL to sign in: (\S+)/);
    const url = /open this URL to sign in: (\S+)/.exec(serve.stdout)?.[1] ?? "";
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/login\?token=[\w-]{43}$/);
    expect(statSync(path.join(env.home, "serve.token")).mode & 0o777).toBe(0o600);
    const token = new URL(url).searchParams.get("token") ?? "";
    const origin = new URL(url).origin;
    const stats = await fetch(`${origin}/api/v1/stats`, { headers: { authorization: `Bearer ${token}` } });
    expect((await stats.json()) as unknown).toMatchObject({ documents: { total: 2 } });
    const live = await fetch(`${origin}/api/v1/live`, { headers: { authorization: `Bearer ${token}` } });
    expect(live.status).toBe(200);

    const shown = JSON.parse((await runDocsort(["token", "--show", "--json"], env)).stdout) as {
      token: string;
    };
    expect(shown.token).toBe(token);
    const rotated = JSON.parse((await runDocsort(["token", "--json"], env)).stdout) as { token: string };
    expect(rotated.token).not.toBe(token);
    const old = await fetch(`${origin}/api/v1/stats`, { headers: { authorization: `Bearer ${token}` } });
    expect(old.status).toBe(401);
    const fresh = await fetch(`${origin}/api/v1/stats`, {
      headers: { authorization: `Bearer ${rotated.token}` },
    });
    expect(fresh.status).toBe(200);

    expect(await stop(serve)).toBe(0);
    await live.body?.cancel();
  }, 60_000);

  it("listens on another address only when asked, with a warning", async () => {
    const serve = start(["serve", "--port", "0", "--host", "0.0.0.0"]);
    await serve.waitForOutput(/open this URL to sign in/);
    expect(serve.stderr).toMatch(
      /warning: listening on 0\.0\.0\.0: the review app is reachable from other machines/,
    );
    expect(await stop(serve)).toBe(0);
  }, 30_000);

  it("says so when the port is taken, with exit code 1", async () => {
    const first = start(["serve", "--port", "0"]);
    await first.waitForOutput(/open this URL to sign in: (\S+)/);
    const port = new URL(/open this URL to sign in: (\S+)/.exec(first.stdout)?.[1] ?? "").port;
    const second = await runDocsort(["serve", "--port", port], env);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`port ${port} on 127.0.0.1 is in use`);
    expect(await stop(first)).toBe(0);
  }, 30_000);

  it("refuses a port that is not a port", async () => {
    const bad = await runDocsort(["serve", "--port", "99999"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--port");
  });

  it("watch --serve runs the review app beside the watcher", async () => {
    const watch = start(["watch", "--serve", "--port", "0"]);
    await watch.waitForOutput(/open this URL to sign in: (\S+)/);
    const origin = new URL(/open this URL to sign in: (\S+)/.exec(watch.stdout)?.[1] ?? "").origin;
    const health = await fetch(`${origin}/api/v1/health`);
    expect((await health.json()) as unknown).toMatchObject({ status: "ok" });
    expect(await stop(watch)).toBe(0);
    const misplaced = await runDocsort(["watch", "--once", "--port", "0"], env);
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toContain("--serve");
  }, 60_000);
});
