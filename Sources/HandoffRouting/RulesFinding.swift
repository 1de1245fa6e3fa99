/// One problem found in a rules file, with the line it is on.
public struct RulesFinding: Sendable, Hashable, CustomStringConvertible {
    /// Whether the file can be used despite the problem.
    public enum Severity: String, Sendable, Hashable {
        /// The file is refused.
        case error
        /// The file works, but something in it is useless or suspicious.
        case warning
    }

    /// The class of problem. Each kind has one severity.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Not YAML (error).
        case syntax
        /// A value of the wrong type or out of range (error).
        case invalidValue
        /// A key the format does not know, usually a typo (error).
        case unknownKey
        /// A required key is missing (error).
        case missingKey
        /// An intent pattern that does not parse (error).
        case invalidPattern
        /// A team name no team declares, in a choice, the fallback, a rule or the availability policy (error).
        case unknownTeam
        /// Two teams with the same name, ignoring case (error).
        case duplicateTeam
        /// The same pattern in two teams: the later one can never decide (error).
        case duplicatePattern
        /// The same pattern twice in one team (warning).
        case repeatedPattern
        /// A pattern that never changes a decision: the nearest more general wildcard belongs to the
        /// same team, so that team gets every intent it matches anyway (warning).
        case shadowedPattern
        /// A dynamic rule that can never apply, because an earlier rule applies whenever it would (error).
        case shadowedRule
        /// A team with no intent patterns that nothing refers to: it can never be picked (warning).
        case emptyTeam
        /// A choice without a `team` (error).
        case choiceWithoutTeam
        /// A reply that picks two choices, or a choice and cancel, or reads as another choice's number (error).
        case ambiguousReply
        /// The flow can ask the user to pick, but there are no choices (error).
        case askWithoutChoices

        /// The severity of this kind of problem.
        public var severity: Severity {
            switch self {
            case .repeatedPattern, .shadowedPattern, .emptyTeam: .warning
            default: .error
            }
        }
    }

    /// The class of problem.
    public var kind: Kind
    /// The 1-based line in the rules file.
    public var line: Int
    /// The 1-based column in the rules file.
    public var column: Int
    /// What is wrong, and how to fix it when that is not obvious.
    public var message: String

    /// Creates a finding.
    public init(kind: Kind, line: Int, column: Int = 1, message: String) {
        self.kind = kind
        self.line = line
        self.column = column
        self.message = message
    }

    /// Error or warning.
    public var severity: Severity { kind.severity }

    /// `12: error: unknown team 'Biling'…`.
    public var description: String { "\(line): \(severity.rawValue): \(message)" }

    /// The compiler-style line: `routing.yaml:12: error: unknown team 'Biling'…`.
    public func formatted(file: String) -> String { "\(file):\(description)" }
}

/// What checking a rules file found: the rules when it has no errors, and every finding in line order.
public struct RulesReport: Sendable, Hashable {
    /// The rules, or nil when any finding is an error.
    public var rules: RoutingRules?
    /// Every error and warning, sorted by line and column.
    public var findings: [RulesFinding]

    /// Creates a report.
    public init(rules: RoutingRules?, findings: [RulesFinding]) {
        self.rules = rules
        self.findings = findings
    }

    /// The errors.
    public var errors: [RulesFinding] { findings.filter { $0.severity == .error } }
    /// The warnings.
    public var warnings: [RulesFinding] { findings.filter { $0.severity == .warning } }
}

/// A rules file that cannot be used, with every problem found in it.
public struct RulesError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Every finding, errors and warnings, in line order.
    public var findings: [RulesFinding]
    /// The file name used in ``description``, if known.
    public var file: String?

    /// Creates the error.
    public init(findings: [RulesFinding], file: String? = nil) {
        self.findings = findings
        self.file = file
    }

    /// One line per finding, `FILE:LINE: severity: message`.
    public var description: String {
        findings.map { $0.formatted(file: file ?? "rules") }.joined(separator: "\n")
    }
}
