import GRDB
import GRDBSQLite

extension Database {
    /// The first column of every row that `sql` returns, as 64-bit integers, stepped through SQLite
    /// directly. For lists of 100,000 ids this takes a third of the time of GRDB's generic fetch,
    /// which instantiates a cursor's element type for every row.
    func integers(_ sql: String, arguments: StatementArguments = []) throws -> [Int64] {
        var values: [Int64] = []
        try step(sql, arguments: arguments) { values.append(sqlite3_column_int64($0, 0)) }
        return values
    }

    /// Image rows of `SQLiteIndexStore.imageColumns`, stepped through SQLite directly: an index run, `forget`
    /// and `relocate` list every image under a folder, 100,000 of them for a large library.
    func indexedImages(_ sql: String, arguments: StatementArguments = []) throws -> [IndexedImage] {
        var images: [IndexedImage] = []
        try step(sql, arguments: arguments) { row in
            let text = { (column: Int32) in Self.text(row, column) }
            let isNull = { (column: Int32) in sqlite3_column_type(row, column) == SQLITE_NULL }
            let facts = FileFacts(path: text(1) ?? "", size: isNull(2) ? nil : sqlite3_column_int64(row, 2),
                                  modified: isNull(3) ? nil : sqlite3_column_double(row, 3), contentHash: text(4), format: text(5),
                                  taken: text(8), tagsStamp: text(9), pictureHash: text(10))
            images.append(IndexedImage(id: sqlite3_column_int64(row, 0), facts: facts,
                                       status: text(6).flatMap(ImageStatus.init(rawValue:)) ?? .failed, error: text(7)))
        }
        return images
    }

    /// Column `column` of the row `statement` stands on, as text; nil for NULL.
    static func text(_ statement: OpaquePointer, _ column: Int32) -> String? {
        sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : sqlite3_column_text(statement, column).map { String(cString: $0) }
    }

    /// Runs `sql`, handing each row's statement to `row`; an error thrown by `row` stops and is rethrown.
    func step(_ sql: String, arguments: StatementArguments, row: (OpaquePointer) throws -> Void) throws {
        let statement = try makeStatement(sql: sql)
        try statement.setArguments(arguments)
        while true {
            switch sqlite3_step(statement.sqliteStatement) {
            case SQLITE_ROW:
                try row(statement.sqliteStatement)
            case SQLITE_DONE:
                return
            case let code:
                let message = sqliteConnection.map { String(cString: sqlite3_errmsg($0)) }
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
            }
        }
    }
}
