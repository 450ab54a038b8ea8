/// One ORDER_OBSERVATION group of an ORU^R01 message: an OBR with the segments that
/// belong to it by the message structure.
struct HL7v2OrderGroup: Sendable {
    /// The PID of the PATIENT_RESULT group the order belongs to; nil when none came before.
    var patient: HL7v2Segment?
    /// The ORC right before the OBR, when there is one.
    var commonOrder: HL7v2Segment?
    /// The observation request.
    var request: HL7v2Segment
    /// OBX rows that belong to the OBR (results and ask-at-order-entry answers).
    var observations: [HL7v2Segment] = []
    /// SPM segments of the order, in order.
    var specimens: [HL7v2Segment] = []
}
