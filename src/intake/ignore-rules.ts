import path from "node:path";

/** Names that are never documents: partial downloads, editor and office lock files, OS litter. */
const BUILT_IN: readonly RegExp[] = [
  /^\./, // dotfiles, .DS_Store, .~lock.x#
  /^~\$/, // Office owner files
  /^~.*\.tmp$/i,
  /\.(part|partial|crdownload|download|tmp|temp|swp|swo|swx|lock|filepart)$/i,
  /^(thumbs\.db|desktop\.ini|icon\r)$/i,
  /~$/, // editor backups
];

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`, "i");
}

/** Decides by file name alone, so it can run before a file is even stat'ed. */
export function createIgnoreMatcher(extraPatterns: readonly string[] = []): (filePath: string) => boolean {
  const rules = [...BUILT_IN, ...extraPatterns.map(globToRegExp)];
  return (filePath) => {
    const name = path.basename(filePath);
    return rules.some((rule) => rule.test(name));
  };
}
