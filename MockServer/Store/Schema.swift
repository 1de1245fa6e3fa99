import GRDB

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
        return migrator
    }
}
