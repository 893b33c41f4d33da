import { describe, expect, it } from "vitest";
import {
  renderPathTemplate,
  resolveInside,
  sanitiseExtension,
  sanitiseValue,
  templateProblem,
} from "../../src/handlers/path-template.js";

describe("the path-template sanitiser", () => {
  it.each([
    ["../../etc/passwd", "etc-passwd"],
    ["..", "unknown"],
    ["/absolute/path", "absolute-path"],
    ["a\\b\\..\\c", "a-b-.-c"],
    ["x\u0000y\u0007z", "xyz"],
    ["evil\u202egpj.exe", "evilgpj.exe"],
    ["line\nbreak", "line break"],
    ["   ", "unknown"],
    ["CON", "CON_"],
    ["Halden & Roos Elektrotechnik GmbH", "Halden & Roos Elektrotechnik GmbH"],
    ["Rechnung: März <2025>?", "Rechnung_ März _2025_"],
    [".hidden", "hidden"],
  ])("value %j becomes %j", (value, safe) => {
    const result = sanitiseValue(value);
    expect(result).toBe(safe);
    expect(result).not.toContain("/");
    expect(result).not.toContain("\\");
    expect(result.split(/[/\\]/)).not.toContain("..");
  });

  it("caps long values and never produces a path that leaves the root", () => {
    expect([...sanitiseValue("x".repeat(500))]).toHaveLength(80);
    expect([...sanitiseValue("ü".repeat(500), 20)]).toHaveLength(20);
    const attacks = [
      "../..",
      "../../../../tmp/x",
      "/etc/passwd",
      "..\\..\\win",
      "a/../../b",
      "\u0000/..",
      "....//....",
    ];
    for (const vendor of attacks) {
      for (const number of attacks) {
        const relative = renderPathTemplate("{category}/{vendor}/{invoice_number}{ext}", {
          category: "invoice",
          vendor,
          invoice_number: number,
          ext: ".pdf",
        });
        const target = resolveInside("/srv/filed", relative);
        expect(target.startsWith("/srv/filed/invoice/")).toBe(true);
        expect(relative.split("/")).toHaveLength(3);
      }
    }
  });

  it("fills missing values with 'unknown' and keeps only real extensions", () => {
    expect(renderPathTemplate("{vendor}/{yyyy}/{name}{ext}", { name: "scan", ext: ".PDF" })).toBe(
      "unknown/unknown/scan.PDF",
    );
    expect(sanitiseExtension(".tar/../x")).toBe("");
    expect(sanitiseExtension(".docx")).toBe(".docx");
  });

  it.each([
    ["", "empty"],
    ["/abs/{name}", "relative"],
    ["a/../{name}", '".."'],
    ["a//{name}", "empty folder"],
    ["{nope}", "unknown variable {nope}"],
    ["a\\{name}", '"/"'],
    ["{name", "{ or }"],
  ])("refuses the template %j (%s)", (template, reason) => {
    expect(templateProblem(template)).toContain(reason);
  });

  it("resolveInside refuses anything outside root", () => {
    expect(() => resolveInside("/srv/filed", "../x")).toThrow(/leave the root/);
    expect(() => resolveInside("/srv/filed", "")).toThrow(/leave the root/);
    expect(resolveInside("/srv/filed", "a/b.pdf")).toBe("/srv/filed/a/b.pdf");
  });
});
