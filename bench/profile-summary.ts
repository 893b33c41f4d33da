/**
 * Summarises V8 CPU profiles (`node --cpu-prof`, the .cpuprofile JSON format of the Chrome DevTools protocol:
 * https://chromedevtools.github.io/devtools-protocol/tot/Profiler/#type-Profile): where the time goes, by area
 * (docsort's folders, each npm package, Node's internals) and by function, self and inclusive.
 *
 *   node --import tsx bench/profile-summary.ts DIR_OR_FILE [--top N]
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const profileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
      children: z.array(z.number()).optional(),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
  startTime: z.number(),
  endTime: z.number(),
});
type Profile = z.infer<typeof profileSchema>;

/** dist/pipeline/…, node_modules/<package>, node:internal/… → a short area name. */
export function areaOf(url: string): string {
  if (url === "") return "(native, GC, idle)";
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1] ?? url;
  const own = /\/(dist|src|bench|tests)\/(.+)$/.exec(url);
  if (own) {
    const parts = (own[2] ?? "").split("/");
    return parts.length > 1 ? `docsort ${parts[0]}` : `docsort ${parts[0]?.replace(/\.js$/, "")}`;
  }
  if (url.startsWith("node:")) return url.includes("modules") ? "node: module loading" : "node: other";
  return url;
}

function label(frame: Profile["nodes"][number]["callFrame"]): string {
  const file = frame.url.replace(/^.*\/(dist|node_modules)\//, "$1/").replace(/^file:\/\//, "");
  return `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
}

function summarise(profile: Profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfUs = new Map<number, number>();
  for (const [i, id] of profile.samples.entries()) {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const areas = new Map<string, number>();
  const areaInclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    self.set(label(node.callFrame), (self.get(label(node.callFrame)) ?? 0) + us);
    areas.set(areaOf(node.callFrame.url), (areas.get(areaOf(node.callFrame.url)) ?? 0) + us);
    const seen = new Set<string>();
    const seenAreas = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)?.callFrame;
      if (!frame) break;
      const key = label(frame);
      if (!seen.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + us);
      seen.add(key);
      const area = areaOf(frame.url);
      if (!seenAreas.has(area) && frame.url !== "")
        areaInclusive.set(area, (areaInclusive.get(area) ?? 0) + us);
      seenAreas.add(area);
    }
  }
  return { self, inclusive, areas, areaInclusive, totalUs: profile.endTime - profile.startTime };
}

function top(map: Map<string, number>, n: number, totalUs: number): string {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(
      ([key, us]) =>
        `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / totalUs).toFixed(1).padStart(5)}%  ${key}`,
    )
    .join("\n");
}

const [target, ...rest] = process.argv.slice(2);
if (!target) throw new Error("usage: profile-summary DIR_OR_FILE [--top N]");
const n = Number(rest[rest.indexOf("--top") + 1] ?? 25) || 25;
const files = statSync(target).isDirectory()
  ? readdirSync(target)
      .filter((f) => f.endsWith(".cpuprofile"))
      .map((f) => path.join(target, f))
  : [target];
for (const file of files) {
  const s = summarise(profileSchema.parse(JSON.parse(readFileSync(file, "utf8"))));
  console.log(`\n=== ${path.basename(file)}: ${(s.totalUs / 1000).toFixed(0)} ms profiled`);
  console.log(`\n-- self time by area\n${top(s.areas, 15, s.totalUs)}`);
  console.log(
    `\n-- inclusive time by area (a call from one area into another counts for both)\n${top(s.areaInclusive, 15, s.totalUs)}`,
  );
  console.log(`\n-- inclusive time by function\n${top(s.inclusive, n, s.totalUs)}`);
  console.log(`\n-- self time by function\n${top(s.self, n, s.totalUs)}`);
}
