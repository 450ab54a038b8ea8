/// The measurement of one assay target.
///
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct TargetResult: Codable, Sendable, Hashable {
    /// The target measured.
    public var target: AssayTarget

    /// The cycle threshold (Ct); absent when the target was not detected or has no Ct.
    public var ct: Double?

    /// Creates the value from its fields; optional fields default to absent.
    public init(
        target: AssayTarget,
        ct: Double? = nil
    ) {
        self.target = target
        self.ct = ct
    }
}
