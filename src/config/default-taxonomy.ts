import type { Category } from "./schema.js";

export const DEFAULT_TAXONOMY: Category[] = [
  {
    name: "invoice",
    description:
      "A bill from a seller asking for payment: invoice, Rechnung, facture, tax invoice. Includes credit notes and invoices already marked paid.",
  },
  {
    name: "receipt",
    description:
      "Proof that a payment was made: till or cash-register receipt, payment receipt, e-commerce order receipt or confirmation.",
  },
  {
    name: "purchase_order",
    description:
      "An order placed by a buyer with a supplier (purchase order, Bestellung, bon de commande), also when it shows prices and totals.",
  },
  {
    name: "contract",
    description:
      "A binding agreement between parties: contract, service or tenancy agreement, NDA, MSA, signed letter agreement, terms accepted by both sides.",
  },
  {
    name: "resume",
    description: "A CV or résumé (Lebenslauf) describing a person's work experience, education and skills.",
  },
  {
    name: "bank_statement",
    description:
      "A statement of account from a bank or card issuer, or an export of account transactions; includes credit-card statements.",
  },
  {
    name: "letter",
    description:
      "Correspondence addressed to someone: letters, notices, complaints, cover letters, payment reminders and dunning notices, termination letters.",
  },
  {
    name: "other",
    description:
      "Anything else: quotations and estimates (Angebot, devis), delivery notes, meeting minutes, forms, empty or unreadable documents.",
  },
];
