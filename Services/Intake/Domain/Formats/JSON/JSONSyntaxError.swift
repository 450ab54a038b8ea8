/// Why a body is not valid JSON (RFC 8259), and at which byte the reader noticed.
///
/// Internal to the JSON reader: ``JSONResultReader`` turns it into a `json.invalid`
/// ``IntakeProblem``. The reason names the rule broken, never the bytes around it, so
/// it can't quote personal data.
struct JSONSyntaxError: Error {
    /// What is wrong, for a person.
    var reason: String
    /// The offset of the byte where the reader stopped.
    var offset: Int
}
