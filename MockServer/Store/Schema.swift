import GRDB
import HandoffContract

/// The database schema as versioned migrations. Add a new migration; never edit a shipped one.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE workspaces (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        name TEXT NOT NULL UNIQUE,
                        next_conversation_number INTEGER NOT NULL DEFAULT 1,
                        event_seq INTEGER NOT NULL DEFAULT 0,
                        created_at REAL NOT NULL
                    );
                    CREATE TABLE tokens (
                        token_hash TEXT PRIMARY KEY,
                        workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                        label TEXT NOT NULL,
                        created_at REAL NOT NULL
                    );
                    CREATE TABLE teams (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        description TEXT,
                        online INTEGER NOT NULL DEFAULT 1,
                        UNIQUE (workspace_id, name COLLATE NOCASE)
                    );
                    CREATE TABLE agents (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                        team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        email TEXT
                    );
                    CREATE INDEX agents_team ON agents(team_id);
                    CREATE TABLE users (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                        external_id TEXT NOT NULL,
                        name TEXT,
                        email TEXT,
                        phone TEXT,
                        attributes TEXT NOT NULL DEFAULT '{}',
                        created_at REAL NOT NULL,
                        UNIQUE (workspace_id, external_id)
                    );
                    CREATE TABLE conversations (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                        number INTEGER NOT NULL,
                        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        state TEXT NOT NULL,
                        team_id INTEGER,
                        assignee_id INTEGER,
                        context TEXT NOT NULL DEFAULT '{}',
                        idempotency_key TEXT,
                        last_seq INTEGER NOT NULL DEFAULT 0,
                        created_at REAL NOT NULL,
                        updated_at REAL NOT NULL,
                        UNIQUE (workspace_id, number),
                        UNIQUE (workspace_id, idempotency_key)
                    );
                    CREATE INDEX conversations_user_state ON conversations(user_id, state, id);
                    CREATE INDEX conversations_workspace_state ON conversations(workspace_id, state, id);
                    CREATE TABLE messages (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                        seq INTEGER NOT NULL,
                        author TEXT NOT NULL,
                        visibility TEXT NOT NULL,
                        text TEXT NOT NULL,
                        choices TEXT,
                        agent_id INTEGER,
                        client_message_id TEXT,
                        created_at REAL NOT NULL,
                        UNIQUE (conversation_id, seq),
                        UNIQUE (conversation_id, client_message_id)
                    );
                    CREATE TABLE events (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                        seq INTEGER NOT NULL,
                        type TEXT NOT NULL,
                        conversation_id INTEGER NOT NULL,
                        payload TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        UNIQUE (workspace_id, seq)
                    );
                    CREATE TABLE webhooks (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                        url TEXT NOT NULL,
                        secret TEXT NOT NULL,
                        created_at REAL NOT NULL
                    );
                    CREATE TABLE deliveries (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
                        event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
                        status TEXT NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at REAL NOT NULL,
                        last_status INTEGER,
                        last_error TEXT,
                        UNIQUE (webhook_id, event_id)
                    );
                    CREATE INDEX deliveries_due ON deliveries(status, next_attempt_at);
                    """)
        }
        migrator.registerMigration("v2-chatwoot") { db in
            try db.execute(
                sql: """
                    ALTER TABLE tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'user';
                    ALTER TABLE tokens ADD COLUMN agent_id INTEGER;
                    ALTER TABLE tokens ADD COLUMN bot_id INTEGER;
                    CREATE TABLE agents_v2 (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                        team_id INTEGER REFERENCES teams(id) ON DELETE SET NULL,
                        name TEXT NOT NULL,
                        email TEXT,
                        role TEXT NOT NULL DEFAULT 'agent'
                    );
                    INSERT INTO agents_v2 (id, workspace_id, team_id, name, email)
                        SELECT id, workspace_id, team_id, name, email FROM agents;
                    DROP TABLE agents;
                    ALTER TABLE agents_v2 RENAME TO agents;
                    CREATE INDEX agents_team ON agents(team_id);
                    CREATE TABLE agent_bots (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        description TEXT,
                        outgoing_url TEXT,
                        secret TEXT NOT NULL
                    );
                    CREATE TABLE inboxes (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        identifier TEXT NOT NULL,
                        webhook_url TEXT,
                        secret TEXT NOT NULL,
                        bot_id INTEGER REFERENCES agent_bots(id) ON DELETE SET NULL
                    );
                    CREATE TABLE contact_inboxes (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        inbox_id INTEGER NOT NULL REFERENCES inboxes(id) ON DELETE CASCADE,
                        source_id TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        UNIQUE (inbox_id, source_id)
                    );
                    CREATE INDEX contact_inboxes_user ON contact_inboxes(user_id);
                    ALTER TABLE users ADD COLUMN identifier_set INTEGER NOT NULL DEFAULT 1;
                    ALTER TABLE users ADD COLUMN additional_attributes TEXT NOT NULL DEFAULT '{}';
                    CREATE INDEX users_email ON users(workspace_id, email COLLATE NOCASE);
                    ALTER TABLE conversations ADD COLUMN inbox_id INTEGER;
                    ALTER TABLE conversations ADD COLUMN contact_inbox_id INTEGER;
                    ALTER TABLE conversations ADD COLUMN uuid TEXT;
                    ALTER TABLE conversations ADD COLUMN custom_attributes TEXT NOT NULL DEFAULT '{}';
                    ALTER TABLE conversations ADD COLUMN additional_attributes TEXT NOT NULL DEFAULT '{}';
                    ALTER TABLE conversations ADD COLUMN labels TEXT NOT NULL DEFAULT '[]';
                    ALTER TABLE conversations ADD COLUMN priority TEXT;
                    ALTER TABLE conversations ADD COLUMN waiting_since REAL;
                    ALTER TABLE messages ADD COLUMN content_type TEXT;
                    ALTER TABLE messages ADD COLUMN content_attributes TEXT;
                    ALTER TABLE messages ADD COLUMN echo_id TEXT;
                    ALTER TABLE messages ADD COLUMN source_id TEXT;
                    ALTER TABLE webhooks ADD COLUMN kind TEXT NOT NULL DEFAULT 'neutral';
                    ALTER TABLE webhooks ADD COLUMN name TEXT;
                    ALTER TABLE webhooks ADD COLUMN subscriptions TEXT;
                    ALTER TABLE webhooks ADD COLUMN inbox_id INTEGER;
                    CREATE INDEX webhooks_workspace_kind ON webhooks(workspace_id, kind);
                    CREATE TABLE deliveries_v2 (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
                        event_id INTEGER REFERENCES events(id) ON DELETE CASCADE,
                        payload TEXT,
                        event_name TEXT,
                        conversation_id INTEGER,
                        status TEXT NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at REAL NOT NULL,
                        last_status INTEGER,
                        last_error TEXT
                    );
                    INSERT INTO deliveries_v2 (id, webhook_id, event_id, status, attempts, next_attempt_at, last_status, last_error)
                        SELECT id, webhook_id, event_id, status, attempts, next_attempt_at, last_status, last_error FROM deliveries;
                    DROP TABLE deliveries;
                    ALTER TABLE deliveries_v2 RENAME TO deliveries;
                    CREATE INDEX deliveries_due ON deliveries(status, next_attempt_at);
                    CREATE UNIQUE INDEX deliveries_event ON deliveries(webhook_id, event_id) WHERE event_id IS NOT NULL;
                    CREATE INDEX deliveries_conversation ON deliveries(conversation_id);
                    """)
        }
        migrator.registerMigration("v3-desk") { db in
            try db.execute(
                sql: """
                    ALTER TABLE teams ADD COLUMN persona TEXT;
                    CREATE INDEX conversations_team_state ON conversations(team_id, state);
                    """)
        }
        migrator.registerMigration("v4-one-attributes") { db in
            // A conversation's context is kept once, in Chatwoot's custom attributes as the Chatwoot binding lays it out
            // (``ChatwootMapping``); files from before kept the neutral context in a column of its own.
            let rows = try Row.fetchAll(db, sql: "SELECT id, context, custom_attributes, state FROM conversations WHERE context != '{}'")
            for row in rows {
                let context = Rows.decode(ConversationContext.self, row["context"], default: .init())
                var attributes = Rows.object(row["custom_attributes"])
                attributes.merge((try? ChatwootMapping.customAttributes(for: context)) ?? [:]) { $1 }
                try db.execute(
                    sql: "UPDATE conversations SET custom_attributes = ?, context = '{}' WHERE id = ?",
                    arguments: [Rows.json(attributes), row["id"] as Int64])
            }
        }
        migrator.registerMigration("v5-shared-payloads") { db in
            // A Chatwoot event's rendered body is stored once, however many subscriptions it goes to (a soak run had
            // 1.1 GB of identical bodies after three minutes with five Chatwoot webhooks).
            try db.execute(
                sql: """
                    CREATE TABLE delivery_payloads (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
                    ALTER TABLE deliveries ADD COLUMN payload_id INTEGER REFERENCES delivery_payloads(id);
                    """)
        }
        migrator.registerMigration("v6-due-per-target") { db in
            // The dispatcher asks each subscription for its oldest due deliveries: a few index steps each, however
            // large the backlog. One query over every due delivery took 6.6 s with 2.5 M of them pending (a soak's
            // hanging receivers), and a read that long kept the write-ahead log from ever being truncated.
            try db.execute(sql: "CREATE INDEX deliveries_target_due ON deliveries(webhook_id, status, next_attempt_at)")
        }
        migrator.registerMigration("v7-payloads-rendered-when-sent") { db in
            // A Chatwoot event is queued with what it is about (its recipe) and its body is rendered when it is first
            // sent, out of the write transaction, as Chatwoot renders in its event job; `body` is '' until then.
            try db.execute(sql: "ALTER TABLE delivery_payloads ADD COLUMN recipe TEXT")
        }
        return migrator
    }
}
