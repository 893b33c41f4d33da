/**
 * Short, made-up example texts for each default category, in English, German and French. They let the built-in
 * classifier work on a fresh installation; human-confirmed documents are added to them as they accumulate.
 * Written for docsort: generic wording, no real company, person or number.
 */
export interface SeedExample {
  category: string;
  lang: "en" | "de" | "fr";
  text: string;
}

export const SEED_EXAMPLES: readonly SeedExample[] = [
  // invoice
  {
    category: "invoice",
    lang: "en",
    text: "INVOICE. Invoice no. 0815, invoice date, due date. Bill to: customer name and address. Item, qty, unit price, line total. Subtotal, VAT, total amount due. Bank details for payment: account name, IBAN, SWIFT. Payment terms: net 30 days.",
  },
  {
    category: "invoice",
    lang: "en",
    text: "Tax invoice for consulting services in May: hours worked at the hourly rate, expenses. Net, sales tax, invoice total. Remit payment to the address below and reference the invoice number.",
  },
  {
    category: "invoice",
    lang: "en",
    text: "Credit memo issued against invoice 3321 for goods returned. Amounts are negative. Credit total to be offset against future invoices or refunded on request.",
  },
  {
    category: "invoice",
    lang: "en",
    text: "Invoice — status: PAID. Subscription fee for the annual plan, billing period, account number. Amount charged, tax, total. Nothing further is owed on this invoice.",
  },
  {
    category: "invoice",
    lang: "de",
    text: "Rechnung Nr. 2231 vom 05.05. Kunde, Kundennummer, Leistungszeitraum. Position, Beschreibung, Anzahl, Preis, Summe. Netto, Umsatzsteuer 19 %, Brutto, zu zahlender Betrag. Zahlungsziel 14 Tage ohne Abzug. Bankverbindung, USt-IdNr.",
  },
  {
    category: "invoice",
    lang: "de",
    text: "Rechnung über Reparaturarbeiten: Lohnkosten, Ersatzteile, Fahrtkosten. Rechnungsbetrag inkl. MwSt. Bitte begleichen Sie die Rechnung bis zum angegebenen Fälligkeitsdatum. Gutschrift zur Rechnung mit negativem Betrag.",
  },
  {
    category: "invoice",
    lang: "fr",
    text: "Facture n° 117 du 3 mars. Client, adresse de facturation. Désignation, quantité, prix unitaire, total HT. TVA, total TTC, net à payer avant la date d'échéance. Règlement par virement, RIB, numéro de TVA.",
  },
  {
    category: "invoice",
    lang: "fr",
    text: "Facture d'honoraires : prestation de conseil, frais de déplacement. Montant hors taxes, taxe, montant à régler. Avoir sur facture : remboursement des articles retournés.",
  },
  // receipt
  {
    category: "receipt",
    lang: "en",
    text: "Supermarket till slip: bread 1.20, apples 2.35, detergent 4.99. TOTAL 8.54. Paid by debit card. VAT included. Cashier 4, register 2. Keep this slip for returns.",
  },
  {
    category: "receipt",
    lang: "en",
    text: "Receipt of payment: we confirm that your payment of 250.00 was received on 3 April by bank card. Payer, payment reference, amount received. Settled in full.",
  },
  {
    category: "receipt",
    lang: "en",
    text: "Order confirmation and receipt: your online order has been paid. Order number, items, shipping, total charged to your card. Thank you for your purchase.",
  },
  {
    category: "receipt",
    lang: "en",
    text: "Restaurant bill paid: two meals, drinks, service, total, card payment approved, tip. Parking ticket paid, fuel station receipt, pump 3, litres, amount paid in cash.",
  },
  {
    category: "receipt",
    lang: "de",
    text: "Kassenbeleg: Brot, Milch, Kaffee. SUMME EUR 9,45. Gegeben bar 10,00, zurück 0,55. Enthaltene MwSt. Bon-Nr., Kasse, Datum, Uhrzeit. Danke und auf Wiedersehen.",
  },
  {
    category: "receipt",
    lang: "de",
    text: "Zahlungsbeleg: Wir bestätigen den Eingang Ihrer Zahlung. Betrag erhalten, Zahlungsart EC-Karte, Datum. Quittung über den bar bezahlten Betrag.",
  },
  {
    category: "receipt",
    lang: "fr",
    text: "Ticket de caisse : pain, fromage, eau. TOTAL 11,20 EUR. Payé en espèces, monnaie rendue. Dont TVA. Merci et à bientôt.",
  },
  {
    category: "receipt",
    lang: "fr",
    text: "Reçu de paiement : nous accusons réception de votre règlement par carte bancaire. Montant payé, date, référence. Paiement reçu, commande réglée.",
  },
  // purchase_order
  {
    category: "purchase_order",
    lang: "en",
    text: "PURCHASE ORDER No. 7781. Buyer, supplier, ship-to address, requested delivery date. Line items: part number, description, quantity ordered, unit cost, extended cost. Order total. Approved by procurement.",
  },
  {
    category: "purchase_order",
    lang: "en",
    text: "We would like to order the following items from your catalogue. Please confirm the order, the price and the delivery schedule. Our order reference must appear on your invoice and delivery note.",
  },
  {
    category: "purchase_order",
    lang: "en",
    text: "PO issued to vendor under the framework contract. Requisition number, cost centre, delivery terms, payment terms. Goods to be delivered to the receiving dock.",
  },
  {
    category: "purchase_order",
    lang: "de",
    text: "Bestellung Nr. 4410. Besteller, Lieferant, Lieferadresse, gewünschter Liefertermin. Artikelnummer, Bezeichnung, Bestellmenge, Preis. Bitte senden Sie uns eine Auftragsbestätigung. Abteilung Einkauf.",
  },
  {
    category: "purchase_order",
    lang: "de",
    text: "Wir bestellen hiermit zu den vereinbarten Konditionen folgende Waren. Bitte liefern Sie bis zum genannten Termin an unser Lager und nennen Sie die Bestellnummer auf allen Belegen.",
  },
  {
    category: "purchase_order",
    lang: "fr",
    text: "Bon de commande n° 552. Acheteur, fournisseur, adresse de livraison, date de livraison souhaitée. Référence, désignation, quantité commandée, prix unitaire. Merci d'accuser réception de la commande.",
  },
  // contract
  {
    category: "contract",
    lang: "en",
    text: "CONTRACT. The parties agree as follows. 1. Definitions and interpretation. 2. Obligations of the parties. 3. Term and termination. 4. Fees. 5. Confidentiality. 6. Limitation of liability. 7. Governing law and jurisdiction. Signed by both parties.",
  },
  {
    category: "contract",
    lang: "en",
    text: "Non-disclosure agreement between the disclosing party and the recipient. Confidential information shall not be disclosed to third parties. Duration of the obligations. This agreement is binding on both parties.",
  },
  {
    category: "contract",
    lang: "en",
    text: "Lease agreement: the landlord lets the premises to the tenant for a fixed term. Monthly rent, security deposit, repairs, notice period. Signatures of landlord and tenant, witness.",
  },
  {
    category: "contract",
    lang: "en",
    text: "Service level agreement and statement of work: scope, deliverables, acceptance, warranties, indemnification, intellectual property rights, termination for breach, entire agreement clause.",
  },
  {
    category: "contract",
    lang: "de",
    text: "Vertrag zwischen Auftraggeber und Auftragnehmer. § 1 Gegenstand des Vertrages. § 2 Pflichten der Parteien. § 3 Vergütung. § 4 Vertragsdauer und Kündigung. § 5 Haftung. § 6 Schlussbestimmungen. Unterschriften der Vertragsparteien.",
  },
  {
    category: "contract",
    lang: "de",
    text: "Mietvertrag: Der Vermieter vermietet dem Mieter die Räume. Mietdauer, Miete, Nebenkosten, Mietsicherheit. Geheimhaltungsvereinbarung, Rahmenvereinbarung, Arbeitsvertrag.",
  },
  {
    category: "contract",
    lang: "fr",
    text: "Contrat entre les parties. Article 1 : objet du contrat. Article 2 : obligations des parties. Article 3 : prix. Article 4 : durée et résiliation. Article 5 : loi applicable. Fait à, le, en deux exemplaires originaux.",
  },
  {
    category: "contract",
    lang: "fr",
    text: "Contrat de location : le bailleur loue au preneur le local. Loyer mensuel, dépôt de garantie, durée. Accord de confidentialité signé par les deux parties.",
  },
  // resume
  {
    category: "resume",
    lang: "en",
    text: "CURRICULUM VITAE. Personal details. Work experience: job title, company, years, responsibilities. Education: university degree. Skills, languages, certifications, hobbies. References on request.",
  },
  {
    category: "resume",
    lang: "en",
    text: "Résumé. Summary of qualifications. Professional experience with achievements. Education and training. Technical skills: Excel, Java, SAP. Contact: phone, email.",
  },
  {
    category: "resume",
    lang: "en",
    text: "Career history of an engineer: positions held, employers, dates from and to. Academic background, diploma, professional memberships, volunteer work.",
  },
  {
    category: "resume",
    lang: "de",
    text: "Lebenslauf. Persönliche Angaben: Geburtsdatum, Anschrift. Beruflicher Werdegang: Position, Arbeitgeber, Zeitraum. Schulbildung und Studium. Sprachen, Kenntnisse, Interessen.",
  },
  {
    category: "resume",
    lang: "fr",
    text: "Curriculum vitae. État civil. Parcours professionnel : poste occupé, employeur, période. Formation et diplômes. Compétences, langues parlées, loisirs.",
  },
  // bank_statement
  {
    category: "bank_statement",
    lang: "en",
    text: "BANK STATEMENT. Account number, statement date, period from to. Balance brought forward, balance carried forward. Date, details, withdrawals, deposits, balance. Interest, bank charges.",
  },
  {
    category: "bank_statement",
    lang: "en",
    text: "Card account statement: previous balance, new charges, payments received, interest, new balance, minimum amount due by the due date. List of card transactions.",
  },
  {
    category: "bank_statement",
    lang: "en",
    text: "Transaction history export of a checking account: date, reference, debit, credit, running balance. Direct debit, transfer in, transfer out, ATM withdrawal, payroll deposit.",
  },
  {
    category: "bank_statement",
    lang: "de",
    text: "Kontoauszug Nr. 4. Kontonummer, IBAN, Kontoinhaber. Alter Saldo, neuer Saldo. Buchung, Wertstellung, Vorgang, Soll, Haben. Lastschrift, Überweisung, Gutschrift, Kartenzahlung, Zinsen, Kontoführungsgebühr.",
  },
  {
    category: "bank_statement",
    lang: "fr",
    text: "Relevé bancaire : numéro de compte, période. Solde précédent, solde au. Opérations : date, libellé, débit, crédit. Prélèvement, virement, retrait, carte. Frais bancaires.",
  },
  // letter
  {
    category: "letter",
    lang: "en",
    text: "Dear Mr Smith, thank you for your letter of 4 June. We would like to inform you about the following changes. If you have questions, please call us. Yours sincerely, the management.",
  },
  {
    category: "letter",
    lang: "en",
    text: "Reminder: your account is overdue. Our records show an outstanding balance on invoice 4410. Please settle the amount promptly to avoid further action. Second notice, dunning letter.",
  },
  {
    category: "letter",
    lang: "en",
    text: "Dear Ms Jones, please accept this letter as my application for the advertised role. I enclose my CV and look forward to hearing from you. Kind regards.",
  },
  {
    category: "letter",
    lang: "en",
    text: "To whom it may concern: we give notice that we will end the service at the end of the term. Complaint about poor service and a request for compensation. Best regards.",
  },
  {
    category: "letter",
    lang: "de",
    text: "Sehr geehrte Frau Müller, wir teilen Ihnen mit, dass sich ab dem nächsten Monat Änderungen ergeben. Für Rückfragen stehen wir gern zur Verfügung. Mit freundlichen Grüßen. Betreff. Ihr Schreiben vom.",
  },
  {
    category: "letter",
    lang: "de",
    text: "Kündigung: Hiermit kündigen wir das Vertragsverhältnis zum Monatsende. Mahnung: Die Zahlung ist überfällig, bitte überweisen Sie den offenen Betrag. Beschwerde, Information an die Bewohner.",
  },
  {
    category: "letter",
    lang: "fr",
    text: "Madame, Monsieur, nous avons l'honneur de vous informer que. Veuillez agréer nos salutations distinguées. Objet : réclamation, lettre de résiliation, rappel de paiement, candidature.",
  },
  // other
  {
    category: "other",
    lang: "en",
    text: "Quote / estimate for the requested work: description of the work, estimated cost, validity of this offer. Not an invoice. Please sign to accept the estimate.",
  },
  {
    category: "other",
    lang: "en",
    text: "Packing list and delivery note: items in this shipment, quantity shipped, number of boxes. Goods received by, signature. No prices.",
  },
  {
    category: "other",
    lang: "en",
    text: "Minutes of the board meeting: attendees, apologies, agenda items, decisions taken, action points, date of the next meeting.",
  },
  {
    category: "other",
    lang: "en",
    text: "Form to fill in, product manual, instructions, brochure, certificate, flyer, newsletter, memo, report, notes.",
  },
  {
    category: "other",
    lang: "de",
    text: "Angebot Nr. 12: Kostenvoranschlag für die gewünschten Leistungen, gültig bis. Lieferschein mit Packstücken. Protokoll der Besprechung: Teilnehmer, Tagesordnung, Beschlüsse.",
  },
  {
    category: "other",
    lang: "fr",
    text: "Devis n° 33 : estimation des travaux, validité de l'offre, bon pour accord. Bon de livraison. Compte rendu de réunion : participants, ordre du jour, décisions.",
  },
];
