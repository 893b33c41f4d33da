import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDocument } from "../review/fixtures.js";
import { type BrowserSession, type ServeFixture, startServeFixture } from "./serve-fixture.js";

const HOSTILE_NAME = '<img src=x onerror="alert(1)">.txt';
const HOSTILE_TEXT = 'Invoice </pre><script>alert("text")</script> total due <b>now</b>';

let fx: ServeFixture;
let session: BrowserSession;
let hostileId = 0;

beforeAll(async () => {
  fx = await startServeFixture();
  hostileId = addDocument(fx.store, {
    name: HOSTILE_NAME,
    text: HOSTILE_TEXT,
    category: "invoice",
    confidence: 0.3,
    details: {},
  }).id;
  fx.store.db
    .prepare("UPDATE classifications SET evidence = ?, summary = ?")
    .run('<script>alert("quote")</script>', "<i>x</i>");
  session = await fx.signIn();
}, 60_000);
afterAll(async () => fx?.close());

const page = async (path: string) => {
  const response = await session.request(path);
  expect(response.status, path).toBe(200);
  return response.text();
};

const form = (path: string, fields: Record<string, string>) =>
  session.request(path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: session.csrf, ...fields }).toString(),
    redirect: "manual",
  });

describe("pages", () => {
  it("escape everything that comes from a document: names, text, evidence, snippets", async () => {
    for (const html of [
      await page("/review"),
      await page(`/documents/${hostileId}`),
      await page("/search?q=total"),
    ]) {
      expect(html).not.toContain("<script>alert");
      expect(html).not.toContain("<img src=x");
      expect(html).not.toContain("<b>now</b>");
      expect(html).toContain("&lt;");
    }
    expect(await page("/review")).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;.txt");
    expect(await page("/search?q=total")).toMatch(/<mark>total<\/mark>/);
    expect(await page("/review")).toContain("This quote is not in the document's text.");
  });

  it("send people who are not signed in to the sign-in page, and refuse bad page input", async () => {
    const anonymous = await fx.anonymous("/review", { redirect: "manual" });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("location")).toBe("/login");
    expect((await session.request("/review?doc=abc")).status).toBe(400);
    expect((await session.request("/documents/../../etc/passwd")).status).toBe(404);
    expect((await session.request("/invoices/12abc")).status).toBe(404);
    expect((await session.request("/search?from=tomorrow")).status).toBe(400);
  });

  it("forms redirect back with the outcome, or the reason they were refused, shown once", async () => {
    const undo = await form("/review/undo", {});
    expect(undo.status).toBe(303);
    expect(await page("/review")).toContain("there is no decision of yours to undo");
    expect(await page("/review")).not.toContain("there is no decision of yours to undo");

    const wrong = await form(`/review/${hostileId}/set`, { category: "spaceship" });
    expect(wrong.headers.get("location")).toBe("/review");
    expect(await page("/review")).toContain("choose one of invoice, receipt");
    expect(fx.store.classifications.current(hostileId)?.source).toBe("llm");

    await form(`/review/${hostileId}/set`, { category: "receipt" });
    expect(await page("/review")).toContain(`#${hostileId} set to receipt`);
    expect(fx.store.classifications.current(hostileId)).toMatchObject({
      source: "human",
      category: "receipt",
    });
    const back = await form("/review/undo", {});
    expect(back.headers.get("location")).toBe(`/review?doc=${hostileId}`);
    expect(fx.store.documents.get(hostileId)?.status).toBe("needs_review");
  });
});
