import GRDB

extension Database {
    /// A statement for constant SQL, prepared once per connection and kept in GRDB's statement cache.
    ///
    /// Preparing is most of a small query's cost (SQLite parses the text and GRDB's authorizer visits every
    /// column), so every constant query of the mock goes through here. Taking a `StaticString` keeps SQL with
    /// interpolated values out of the cache, which would otherwise grow with every value; SQL assembled from a
    /// fixed set of pieces calls `cachedStatement(sql:)` directly.
    func cached(_ sql: StaticString) throws -> Statement {
        try cachedStatement(sql: sql.description)
    }
}
