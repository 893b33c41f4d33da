/** Legal forms and filler words that differ between two spellings of the same vendor. */
const LEGAL_FORMS = new Set([
  "ltd",
  "limited",
  "llc",
  "llp",
  "lp",
  "inc",
  "incorporated",
  "corp",
  "corporation",
  "co",
  "company",
  "plc",
  "gmbh",
  "mbh",
  "ag",
  "kg",
  "ohg",
  "ug",
  "ev",
  "sarl",
  "sas",
  "sa",
  "srl",
  "spa",
  "bv",
  "nv",
  "oy",
  "ab",
  "as",
  "aps",
  "sp",
  "zoo",
  "the",
  "and",
]);

/**
 * The vendor as a comparison key: `Kestrel Cloud Services Ltd.` and `KESTREL CLOUD SERVICES LIMITED` are the same
 * vendor; accents, punctuation and legal forms do not count.
 */
export function vendorKey(vendor: string | null | undefined): string | null {
  if (!vendor) return null;
  const words = vendor
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .split(" ")
    .filter((word) => word !== "" && !LEGAL_FORMS.has(word));
  const key = words.join(" ");
  return key === "" ? null : key;
}

/** The invoice number as a comparison key: `#INV-0042`, `inv 0042` and `INV0042` are the same number. */
export function invoiceNumberKey(number: string | null | undefined): string | null {
  if (!number) return null;
  const key = number
    .normalize("NFKD")
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]+/gu, "");
  return key === "" ? null : key;
}
