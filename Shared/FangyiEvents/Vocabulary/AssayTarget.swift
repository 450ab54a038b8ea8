/// A target of an assay: PCR gene targets, or antibody classes for serology.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum AssayTarget: String, ClosedStringEnum {
    /// The ORF1ab gene (PCR).
    case orf1ab = "ORF1ab"
    /// The N (nucleocapsid) gene (PCR).
    case n = "N"
    /// The E (envelope) gene (PCR).
    case e = "E"
    /// The RdRP gene (PCR).
    case rdrp = "RdRP"
    /// IgM antibodies (serology).
    case igM = "IgM"
    /// IgG antibodies (serology).
    case igG = "IgG"
}
