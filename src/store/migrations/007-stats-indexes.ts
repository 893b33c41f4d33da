export const name = "stats-indexes";

/**
 * Indexes for `docsort stats` on large stores: documents finished per day (events by target status and time),
 * and documents per current category (the newest classification of each document, read from the index alone).
 */
export const sql = `
CREATE INDEX events_to_status ON events(to_status, created_at);
CREATE INDEX classifications_current ON classifications(document_id, id, category);
`;
