import HandoffContract

/// Intent-based routing: which support team a conversation goes to.
///
/// - ``RulesLoader`` reads and validates a YAML rules file into ``RoutingRules``, reporting every
///   problem with its line (``RulesFinding``).
/// - ``Router`` decides: dynamic rules, then the most recent unfinished intent that matches a
///   pattern, then the fallback; ``Router/reroute(_:unavailable:)`` applies the availability policy.
/// - ``AskSession`` runs the "which team?" exchange when the decision is to ask.
///
/// Everything here is a value without I/O (``RulesLoader/load(contentsOfFile:)`` reads the file and
/// nothing else), so the same input always gives the same answer.
public enum HandoffRouting: Sendable {}
