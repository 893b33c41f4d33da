export const name = "mail-intake";

/**
 * mail_folders: per account and folder, the UIDVALIDITY docsort knows and the highest UID it has decided on
 * (RFC 9051 §2.3.1.1: UIDs only grow within one UIDVALIDITY), plus the folder's last state.
 * mail_messages: every message a rule matched — taken, nothing to take, too large, unreadable — and what it became.
 * mail_documents: which documents came from which message. Passwords are never stored.
 */
export const sql = `
CREATE TABLE mail_folders (
  account TEXT NOT NULL,
  folder TEXT NOT NULL,
  uid_validity INTEGER,
  last_uid INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new','ok','error')),
  last_error TEXT,
  last_sync_at TEXT,
  last_attempt_at TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (account, folder)
) STRICT;

CREATE TABLE mail_messages (
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  folder TEXT NOT NULL,
  uid_validity INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  message_id TEXT,
  sha256 TEXT,
  sender TEXT,
  subject TEXT,
  sent_at TEXT,
  received_at TEXT,
  size INTEGER NOT NULL,
  rule TEXT NOT NULL,
  take TEXT NOT NULL CHECK (take IN ('attachments','message','both')),
  status TEXT NOT NULL CHECK (status IN ('taken','empty','too_large','unreadable')),
  reason TEXT,
  action TEXT NOT NULL CHECK (action IN ('none','seen','flag','move')),
  move_to TEXT,
  action_status TEXT NOT NULL CHECK (action_status IN ('none','pending','done','failed')),
  action_error TEXT,
  action_attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (account, folder, uid_validity, uid)
) STRICT;
CREATE INDEX mail_messages_message_id ON mail_messages(account, message_id);
CREATE INDEX mail_messages_sha256 ON mail_messages(account, sha256);
CREATE INDEX mail_messages_actions ON mail_messages(account, folder, action_status);

CREATE TABLE mail_documents (
  document_id INTEGER PRIMARY KEY REFERENCES documents(id),
  message_row INTEGER NOT NULL REFERENCES mail_messages(id),
  part TEXT NOT NULL CHECK (part IN ('message','attachment'))
) STRICT;
CREATE INDEX mail_documents_message ON mail_documents(message_row);
`;
