import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { handOverToCopy, takeOverUnread, wasRead } from "../../src/intake/unread-original.js";
import { nowIso } from "../../src/store/clock.js";
import type { DocumentStatus } from "../../src/store/document-status.js";
import { type Fixture, openFixture } from "../handlers/fixtures.js";

/** Never a `duplicate` of a document that was not read (field report 1), whichever of the two comes first. */

let fixture: Fixture;
beforeEach(() => {
  fixture = openFixture();
});
afterEach(() => fixture.cleanup());

const SHA = "a".repeat(64);

function original(status: DocumentStatus) {
  const now = nowIso();
  const doc = fixture.store.documents.insert(
    { sha256: SHA, path: "/inbox/scan.dat", name: "scan.dat", size: 10, status: "queued" },
    now,
  );
  if (status !== "queued") fixture.store.transition(doc.id, { to: status, reason: "unsupported type" });
  return fixture.store.documents.get(doc.id) ?? doc;
}

function mail() {
  return fixture.store.documents.insert(
    { sha256: "b".repeat(64), path: "/inbox/mail.eml", name: "mail.eml", size: 20, status: "done" },
    nowIso(),
  );
}

const child = (parentId: number) => ({
  sha256: SHA,
  path: "/inbox/mail.eml#scan.pdf",
  name: "scan.pdf",
  size: 10,
  parentId,
  depth: 1,
  blobPath: "/blobs/aa",
});

describe("unread originals", () => {
  it.each([
    ["quarantined", false],
    ["failed", false],
    ["queued", true],
    ["done", true],
  ] as const)("a %s document counts as read: %s", (status, read) => {
    expect(wasRead(fixture.store, original(status))).toBe(read);
  });

  it("an attachment with the content of a quarantined document is read; the quarantined one links to it", () => {
    const unread = original("quarantined");
    const parent = mail();
    const attached = takeOverUnread(
      fixture.store,
      unread,
      child(parent.id),
      `inside document #${parent.id}`,
      nowIso(),
    );
    expect(fixture.store.documents.get(attached.id)).toMatchObject({ status: "queued", duplicateOf: null });
    expect(fixture.store.documents.get(unread.id)).toMatchObject({
      status: "quarantined",
      duplicateOf: attached.id,
    });
    expect(fixture.store.documents.findOriginal(SHA)?.id).toBe(attached.id);
    expect(fixture.store.events.forDocument(unread.id).at(-1)?.type).toBe("read_elsewhere");
  });

  it("an attachment marked duplicate while the first was queued is read when the first ends unread", () => {
    const first = original("queued");
    const parent = mail();
    const now = nowIso();
    const copy = fixture.store.documents.insert(
      { ...child(parent.id), status: "duplicate", duplicateOf: first.id },
      now,
    );
    const other = fixture.store.documents.insert(
      {
        ...child(parent.id),
        path: "/inbox/mail.eml#again.pdf",
        name: "again.pdf",
        status: "duplicate",
        duplicateOf: first.id,
      },
      now,
    );
    const ended = fixture.store.transition(first.id, { to: "quarantined", reason: "unsupported type" });
    handOverToCopy(fixture.store, ended, nowIso());
    expect(fixture.store.documents.get(copy.id)).toMatchObject({
      status: "queued",
      duplicateOf: null,
      reason: null,
    });
    expect(fixture.store.documents.get(first.id)).toMatchObject({
      status: "quarantined",
      duplicateOf: copy.id,
    });
    expect(fixture.store.documents.get(other.id)).toMatchObject({
      status: "duplicate",
      duplicateOf: copy.id,
    });
  });

  it("a document that was read keeps its duplicates", () => {
    const first = original("queued");
    const parent = mail();
    const copy = fixture.store.documents.insert(
      { ...child(parent.id), status: "duplicate", duplicateOf: first.id },
      nowIso(),
    );
    const ended = fixture.store.transition(first.id, { to: "done" });
    handOverToCopy(fixture.store, ended, nowIso());
    expect(fixture.store.documents.get(copy.id)).toMatchObject({
      status: "duplicate",
      duplicateOf: first.id,
    });
  });
});
