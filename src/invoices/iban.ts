import { electronicFormatIBAN, isValidIBAN } from "ibantools";

/** `DE12 8605 5592 1090 4471 25` → `DE12860555921090447125`; undefined when nothing is left. */
export function normaliseIban(value: string): string | undefined {
  const electronic = electronicFormatIBAN(value.replace(/^IBAN[:\s]*/i, ""));
  return electronic ? electronic : undefined;
}

/** The ISO 13616 check: country format, length and the mod-97 checksum. */
export function ibanIsValid(iban: string): boolean {
  return isValidIBAN(iban);
}
