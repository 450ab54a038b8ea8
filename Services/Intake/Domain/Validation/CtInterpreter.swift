public import FangyiEvents

/// Reads Ct values under an ``InterpretationPolicy``: positive when every required target
/// (ORF1ab and N by default) has a Ct below the positive cut-off — or, for kits that measure
/// none of the required targets (E and RdRP only), every reported target does; inconclusive
/// when some target is below the cut-off but not all that decide, or any Ct lies in the weak
/// band; negative otherwise. A target without a Ct did not amplify; a required target that
/// is not reported at all is not evidence of absence, so such a result cannot be positive.
///
/// Concurrency: a value type; pure.
public struct CtInterpreter: Sendable {
    /// The policy applied.
    public let policy: InterpretationPolicy
    private let required: TargetSet

    /// Creates an interpreter for `policy`.
    public init(policy: InterpretationPolicy) {
        self.policy = policy
        self.required = TargetSet(policy.requiredTargets.compactMap(LabCodes.target))
    }

    /// The interpretation of `targets` (at least one).
    public func interpret(_ targets: [TargetResult]) -> Interpretation {
        var present = TargetSet()
        var detected = TargetSet()
        var weak = false
        for reading in targets {
            present.insert(reading.target)
            guard let ct = reading.ct else { continue }
            if ct < policy.positiveBelowCt {
                detected.insert(reading.target)
            } else if ct < policy.inconclusiveBelowCt {
                weak = true
            }
        }
        let deciding = required.isDisjoint(with: present) ? present : required
        if !deciding.isEmpty && deciding.isSubset(of: detected) { return .positive }
        if !detected.isEmpty || weak { return .inconclusive }
        return .negative
    }
}

/// A set of assay targets as bits: interpretation runs per result, so no allocation.
struct TargetSet: Sendable {
    private var bits: UInt32 = 0

    init() {}

    init(_ targets: [AssayTarget]) {
        for target in targets { insert(target) }
    }

    mutating func insert(_ target: AssayTarget) {
        switch target {
        case .orf1ab: bits |= 1
        case .n: bits |= 2
        case .e: bits |= 4
        case .rdrp: bits |= 8
        case .igM: bits |= 16
        case .igG: bits |= 32
        }
    }

    var isEmpty: Bool { bits == 0 }
    func isSubset(of other: TargetSet) -> Bool { bits & ~other.bits == 0 }
    func isDisjoint(with other: TargetSet) -> Bool { bits & other.bits == 0 }
}
