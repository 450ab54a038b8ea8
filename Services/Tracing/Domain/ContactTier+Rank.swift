public import FangyiEvents

extension ContactTier {
    /// How strong the tier is: companion (a test) < secondary (home quarantine) < close
    /// (centralized quarantine). A person is only ever moved up.
    public var rank: Int {
        switch self {
        case .companion: 1
        case .secondary: 2
        case .close: 3
        }
    }
}
