import ArgumentParser
import Logging

/// `--log-level`, shared by the commands that run a server.
struct LoggingOptions: ParsableArguments {
    @Option(help: "Log level on standard error: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .warning

    func logger(_ label: String) -> Logger {
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = logLevel
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
