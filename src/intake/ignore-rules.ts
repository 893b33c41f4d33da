import path from "node:path";

/**
 * Names that are never documents: partial downloads, editors' autosave, swap, backup and lock files, save-in-progress
 * temporaries, OS litter. Each entry names who writes it; README "Document states" lists them for users.
 */
export const BUILT_IN_IGNORES: readonly { pattern: RegExp; what: string }[] = [
  {
    pattern: /^\./,
    what: "dotfiles: .DS_Store, vim .name.swp, emacs .#name, LibreOffice .~lock.name#, gedit .goutputstream-*",
  },
  { pattern: /^~\$/, what: "Microsoft Office owner files (~$name.docx)" },
  { pattern: /^~.*\.tmp$/i, what: "Microsoft Office temporaries (~WRL0001.tmp)" },
  { pattern: /^~?lock\..*#$/i, what: "LibreOffice lock files without the leading dot" },
  { pattern: /#.*#$/, what: "emacs autosave files (#name#, also with a prefix: 08-#name#)" },
  { pattern: /~$/, what: "editor backups (name~)" },
  {
    pattern: /\.(part|partial|crdownload|download|tmp|temp|lock|filepart|crswap)$/i,
    what: "partial downloads and save-in-progress files",
  },
  { pattern: /\.sw[a-eg-p]$/i, what: "vim swap files (.swp, .swo … .swa; not .swf)" },
  { pattern: /\.kate-swp$/i, what: "Kate and KWrite swap files" },
  { pattern: /___jb_(tmp|old)___$/i, what: "JetBrains IDEs' safe-write temporaries" },
  { pattern: /^(thumbs\.db|desktop\.ini|icon\r)$/i, what: "Windows and macOS folder litter" },
];

/** Vim checks that it may write a folder by creating `4913` (then 5036, 5159, … if taken) and removing it. */
function isVimWriteTest(name: string): boolean {
  if (!/^\d{4,6}$/.test(name)) return false;
  const n = Number(name);
  return n >= 4913 && (n - 4913) % 123 === 0 && n < 4913 + 123 * 100;
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`, "i");
}

/** Decides by file name alone, so it can run before a file is even stat'ed. */
export function createIgnoreMatcher(extraPatterns: readonly string[] = []): (filePath: string) => boolean {
  const rules = [...BUILT_IN_IGNORES.map((rule) => rule.pattern), ...extraPatterns.map(globToRegExp)];
  return (filePath) => {
    const name = path.basename(filePath);
    return isVimWriteTest(name) || rules.some((rule) => rule.test(name));
  };
}
