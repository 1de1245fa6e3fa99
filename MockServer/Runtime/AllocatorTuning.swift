import CMemory
import Dispatch
import Foundation
import ServiceLifecycle

/// Keeps the mock's memory from ratcheting up over a long run (glibc's allocator; nothing happens elsewhere).
///
/// Two habits of glibc's `malloc` made the resident size of a busy mock only ever grow: each thread that allocates
/// may get an arena of its own (up to eight per core), and memory freed in one cannot serve another; and pages freed
/// in the middle of an arena stay with the process. So `handoff mock` caps the arenas at start (unless
/// `MALLOC_ARENA_MAX` is set, which wins; a process that embeds the mock keeps its own allocator settings) and,
/// every ``interval``, hands free pages back to the system with `malloc_trim`, on a background queue, never on the
/// event loop or the cooperative pool.
public struct AllocatorTuning: Service {
    /// How many arenas the allocator may use: enough for the two cores' worth of threads this mock is built for.
    static let arenas: Int32 = 2
    /// Time between two trims.
    let interval: Duration

    /// Caps the arenas for the whole process; call first thing in a process whose main job is the mock (the
    /// `handoff` command), before its threads start allocating. Returns whether it applied.
    @discardableResult
    public static func capArenas() -> Bool {
        if ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] != nil { return false }
        return handoff_memory_cap_arenas(arenas) == 1
    }

    /// Trims every ``interval`` until the graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                await Self.trim()
            }
        }
    }

    /// Gives the free pages back (a few milliseconds at most), off the cooperative pool.
    static func trim() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global(qos: .utility).async {
                _ = handoff_memory_trim()
                continuation.resume()
            }
        }
    }
}
