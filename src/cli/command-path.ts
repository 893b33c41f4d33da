const GLOBAL_WITH_VALUE = new Set(["-c", "--config", "--home", "--inbox"]);

/** The first two words of argv that are not options (global options' values skipped): ["invoices", "list"]. */
export function commandWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i += 1) {
    const arg = argv[i] ?? "";
    if (GLOBAL_WITH_VALUE.has(arg)) i += 1;
    else if (!arg.startsWith("-")) words.push(arg);
  }
  return words;
}

/** The command word in argv (after global options), or `help X`'s X. */
export function invokedCommand(argv: readonly string[]): string | undefined {
  const [first, second] = commandWords(argv);
  return first === "help" ? second : first;
}

/** The commands that only read the store, run from the store bundle (src/cli/store-bundle.ts). */
export const STORE_COMMANDS = ["list", "show", "stats", "invoices"] as const;
export type StoreCommand = (typeof STORE_COMMANDS)[number];

/**
 * Which store-reading command argv runs: `list`, `show`, `stats` or `invoices` (for `invoices list` only);
 * undefined for every other command and for help (`docsort help list`, `--help`), which go the ordinary way.
 */
export function storeCommandOf(argv: readonly string[]): StoreCommand | undefined {
  if (argv.includes("--help") || argv.includes("-h")) return undefined;
  const [first, second] = commandWords(argv);
  if (first === "invoices") return second === "list" ? first : undefined;
  return first === "list" || first === "show" || first === "stats" ? first : undefined;
}
