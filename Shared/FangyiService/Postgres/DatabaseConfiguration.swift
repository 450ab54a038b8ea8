import Foundation
import PostgresNIO

/// Where and how to connect to PostgreSQL, usually parsed from a
/// `postgres://user:password@host:port/database?sslmode=disable` URL.
///
/// Concurrency: a value type; `Sendable`.
public struct DatabaseConfiguration: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Transport security, with libpq's meaning of the `sslmode` values.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP only.
        case disable
        /// TLS when the server offers it, else plain; certificates are not
        /// verified (libpq's default).
        case prefer
        /// TLS or fail; certificates are not verified (as libpq's `require`).
        case require
        /// TLS or fail, with the certificate verified against the system
        /// trust roots and the host name.
        case verifyFull = "verify-full"
    }

    /// Server host name or IP address. Default `127.0.0.1`.
    public var host: String
    /// Server TCP port. Default `5432`.
    public var port: Int
    /// Role to log in as.
    public var username: String
    /// Password, or `nil` for trust or peer authentication.
    public var password: String?
    /// Database name.
    public var database: String
    /// Transport security. Default `.prefer`, as libpq.
    public var tlsMode: TLSMode
    /// Upper bound on pooled connections per `Database`. Default 10.
    public var maximumConnections: Int
    /// How long to wait for a TCP connection. Default 10 s.
    public var connectTimeout: Duration
    /// Shown in `pg_stat_activity.application_name`. Default `fangyi`.
    public var applicationName: String

    /// Creates a configuration from parts; see the properties for defaults.
    public init(
        host: String = "127.0.0.1",
        port: Int = 5432,
        username: String,
        password: String? = nil,
        database: String,
        tlsMode: TLSMode = .prefer,
        maximumConnections: Int = 10,
        connectTimeout: Duration = .seconds(10),
        applicationName: String = "fangyi"
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tlsMode = tlsMode
        self.maximumConnections = maximumConnections
        self.connectTimeout = connectTimeout
        self.applicationName = applicationName
    }

    /// Parses `postgres://` or `postgresql://` URLs:
    /// `postgres://user[:password]@host[:port]/database[?sslmode=...&application_name=...&connect_timeout=seconds]`.
    ///
    /// User, password and database may be percent-encoded. An IPv6 host is
    /// written in brackets. The database defaults to the user name and the port
    /// to 5432. Unknown query parameters are rejected rather than ignored.
    ///
    /// - Throws: `DatabaseError` with code `database.invalid_url`; its message
    ///   never contains the password.
    public init(url: String) throws(DatabaseError) {
        func invalid(_ reason: String) -> DatabaseError {
            DatabaseError(code: DatabaseError.invalidURL, message: "invalid PostgreSQL URL: \(reason)")
        }
        func decode(_ part: Substring, _ what: String) throws(DatabaseError) -> String {
            guard let decoded = String(part).removingPercentEncoding else {
                throw invalid("\(what) has invalid percent-encoding")
            }
            return decoded
        }

        var rest = Substring(url.trimmingCharacters(in: .whitespacesAndNewlines))
        if rest.hasPrefix("postgres://") {
            rest = rest.dropFirst("postgres://".count)
        } else if rest.hasPrefix("postgresql://") {
            rest = rest.dropFirst("postgresql://".count)
        } else {
            throw invalid("must start with postgres:// or postgresql://")
        }

        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }

        // The password may itself contain "@" when not encoded; the host part
        // never does, so split at the last one.
        guard let at = rest.lastIndex(of: "@") else {
            throw invalid("missing user name (expected user@host)")
        }
        let userInfo = rest[..<at]
        let hostPort = rest[rest.index(after: at)...]

        let username: String
        var password: String?
        if let colon = userInfo.firstIndex(of: ":") {
            username = try decode(userInfo[..<colon], "user name")
            password = try decode(userInfo[userInfo.index(after: colon)...], "password")
        } else {
            username = try decode(userInfo, "user name")
        }
        guard !username.isEmpty else { throw invalid("user name is empty") }

        var host: Substring
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw invalid("IPv6 host is missing its closing ]") }
            host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let afterHost = hostPort[hostPort.index(after: close)...]
            if !afterHost.isEmpty {
                guard afterHost.hasPrefix(":") else { throw invalid("unexpected text after IPv6 host") }
                portText = afterHost.dropFirst()
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = hostPort[..<colon]
            portText = hostPort[hostPort.index(after: colon)...]
        } else {
            host = hostPort
        }
        guard !host.isEmpty else { throw invalid("host is empty (Unix sockets are not supported)") }

        var port = 5432
        if let portText {
            guard let parsed = Int(portText), (1...65535).contains(parsed) else {
                throw invalid("port \"\(portText)\" is not a number between 1 and 65535")
            }
            port = parsed
        }

        var database = try decode(path, "database name")
        if database.isEmpty { database = username }
        guard !database.contains("/") else { throw invalid("database name must not contain /") }

        self.init(host: String(host), port: port, username: username, password: password, database: database)

        for item in query.split(separator: "&", omittingEmptySubsequences: true) {
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = try decode(pair[0], "query parameter name")
            let value = try pair.count > 1 ? decode(pair[1], "query parameter \(key)") : ""
            switch key {
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) else {
                    let choices = TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw invalid("sslmode \"\(value)\" is not supported; use one of \(choices)")
                }
                self.tlsMode = mode
            case "application_name":
                self.applicationName = value
            case "connect_timeout":
                guard let seconds = Int(value), seconds > 0 else {
                    throw invalid("connect_timeout \"\(value)\" is not a positive number of seconds")
                }
                self.connectTimeout = .seconds(seconds)
            default:
                throw invalid("unknown query parameter \"\(key)\"; supported: sslmode, application_name, connect_timeout")
            }
        }
    }

    /// The URL with the password replaced by `***`, for logs and error messages.
    public var redactedURL: String {
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        let credentials = self.password == nil ? self.username : "\(self.username):***"
        return "postgres://\(credentials)@\(host):\(self.port)/\(self.database)?sslmode=\(self.tlsMode.rawValue)"
    }

    /// The redacted URL, so that printing a configuration never shows the password.
    public var description: String { self.redactedURL }

    /// The redacted URL, so that debug printing never shows the password.
    public var debugDescription: String { self.redactedURL }

    /// The PostgresNIO client configuration for a pool whose connections all
    /// use `searchPath` (sent as a startup parameter, so it costs no round trip).
    func clientConfiguration(searchPath: String) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch self.tlsMode {
        case .disable:
            tls = .disable
        case .prefer:
            var settings = TLSConfiguration.makeClientConfiguration()
            settings.certificateVerification = .none
            tls = .prefer(settings)
        case .require:
            var settings = TLSConfiguration.makeClientConfiguration()
            settings.certificateVerification = .none
            tls = .require(settings)
        case .verifyFull:
            tls = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: self.host,
            port: self.port,
            username: self.username,
            password: self.password,
            database: self.database,
            tls: tls
        )
        configuration.options.maximumConnections = max(1, self.maximumConnections)
        configuration.options.connectTimeout = self.connectTimeout
        configuration.options.additionalStartupParameters = [
            ("search_path", searchPath),
            ("application_name", self.applicationName),
        ]
        return configuration
    }
}
