/// When a persona acts on each conversation: a pure state machine over times measured on the
/// director's clock (as durations since the director started), so it is tested without any clock.
///
/// A conversation first seen `queued` in the persona's team is accepted `acceptAfter` later; then a
/// reply every `replyEvery` until `replyCount` replies; then, `replyEvery` after the last reply (or at
/// `resolveAfter` after accepting, if that comes first), it is resolved. A conversation taken by another
/// agent, moved to another team, resolved or closed is forgotten; one sent back to the queue starts over.
struct PersonaScheduler: Sendable {
    /// One conversation, identified across workspaces.
    struct Key: Hashable, Sendable {
        var workspace: Int64
        var conversation: String
    }

    /// What the persona sees of a conversation now.
    struct Observation: Sendable {
        var key: Key
        var persona: Persona
        /// `queued`, or `assigned` to the persona's agent (others are not observed).
        var assigned: Bool
        /// Replies the persona's agent already wrote (counted when a conversation is first seen assigned).
        var priorReplies: Int
    }

    /// What to do.
    enum Action: Sendable, Hashable {
        case accept
        /// Reply number `index` (from 0).
        case reply(index: Int)
        case resolve
    }

    struct Progress: Sendable, Hashable {
        var seenAt: Duration
        var acceptedAt: Duration?
        var replies: Int
        var lastReplyAt: Duration?
    }

    private(set) var progress: [Key: Progress] = [:]

    /// The action due at `now` for a conversation (nil if none yet), and when its next action is due.
    mutating func step(_ observation: Observation, now: Duration) -> (due: Action?, next: Duration?) {
        let persona = observation.persona
        var current =
            progress[observation.key]
            ?? Progress(
                seenAt: now, acceptedAt: observation.assigned ? now : nil,
                replies: observation.assigned ? observation.priorReplies : 0, lastReplyAt: nil)
        if !observation.assigned && current.acceptedAt != nil {
            current = Progress(seenAt: now, acceptedAt: nil, replies: 0, lastReplyAt: nil)  // back in the queue
        }
        if observation.assigned && current.acceptedAt == nil { current.acceptedAt = now }  // accepted meanwhile
        progress[observation.key] = current

        guard let accepted = current.acceptedAt else {
            let acceptAt = current.seenAt + .seconds(persona.acceptAfter)
            return now >= acceptAt ? (.accept, nil) : (nil, acceptAt)
        }
        let beat = (current.lastReplyAt ?? accepted) + .seconds(persona.replyEvery)
        let deadline = persona.resolveAfter.map { accepted + .seconds($0) }
        if current.replies < persona.replyCount, deadline.map({ $0 > beat }) ?? true {
            return now >= beat ? (.reply(index: current.replies), nil) : (nil, beat)
        }
        let resolveAt = min(beat, deadline ?? beat)
        return now >= resolveAt ? (.resolve, nil) : (nil, resolveAt)
    }

    /// Records that `action` was done at `now`.
    mutating func did(_ action: Action, _ key: Key, now: Duration) {
        guard var current = progress[key] else { return }
        switch action {
        case .accept: current.acceptedAt = now
        case .reply:
            current.replies += 1
            current.lastReplyAt = now
        case .resolve:
            progress[key] = nil
            return
        }
        progress[key] = current
    }

    /// Forgets every conversation not among `keys` (taken by someone else, moved, finished).
    mutating func keep(only keys: Set<Key>) {
        progress = progress.filter { keys.contains($0.key) }
    }
}
