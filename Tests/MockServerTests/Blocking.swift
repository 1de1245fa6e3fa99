import Foundation

/// Runs blocking work (process waits, pipe reads) on its own thread, so it never holds one of the
/// few threads of Swift's cooperative pool while in-process servers need them.
func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
