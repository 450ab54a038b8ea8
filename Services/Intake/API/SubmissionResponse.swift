import FangyiEvents
import Foundation

/// The JSON answer to a submission: every item's outcome, in order.
///
/// A rejected or unavailable item carries an RFC 9457 problem (`type`, `title`, `status`,
/// `detail`) with Fangyi's `code` and a `pointer` to the offending field.
struct SubmissionResponse: Encodable {
    var submissionId: String?
    var labId: String
    var receivedAt: String
    var accepted: Int
    var rejected: Int
    var unavailable: Int
    var items: [Item]

    struct Item: Encodable {
        var index: Int
        var outcome: String
        var specimenId: String?
        var eventId: String?
        var problem: Problem?
    }

    struct Problem: Encodable {
        var type: String
        var title: String
        var status: Int
        var code: String
        var detail: String
        var pointer: String
    }

    init(submissionId: String?, labId: String, receivedAt: Date, outcomes: [ItemOutcome]) {
        self.submissionId = submissionId
        self.labId = labId
        self.receivedAt = EventTimestamp.string(from: receivedAt)
        var accepted = 0, rejected = 0, unavailable = 0
        items = outcomes.map { outcome in
            var item = Item(index: outcome.index, outcome: outcome.label, specimenId: outcome.specimenId)
            switch outcome.kind {
            case .accepted(let eventID):
                accepted += 1
                item.eventId = eventID
            case .rejected(let problem):
                rejected += 1
                item.problem = Problem(rejected: problem)
            case .unavailable(let error):
                unavailable += 1
                item.problem = Problem(type: Self.problemType("broker.unavailable"), title: "Not written; retry",
                                       status: 503, code: "broker.unavailable",
                                       detail: "the broker did not acknowledge the result (\(error.name)); resend it, the event id stays the same",
                                       pointer: "")
            }
            return item
        }
        self.accepted = accepted
        self.rejected = rejected
        self.unavailable = unavailable
    }

    static func problemType(_ code: String) -> String {
        "https://fangyi.dev/problems/intake/\(code)"
    }
}

extension SubmissionResponse.Problem {
    init(rejected problem: IntakeProblem) {
        self.init(type: SubmissionResponse.problemType(problem.code), title: "Result rejected", status: 422,
                  code: problem.code, detail: problem.message, pointer: problem.pointer)
    }
}

extension SubmissionResponse {
    /// The answer as JSON, written by hand: a 10,000-item answer is written per request,
    /// and `JSONEncoder` took longer over it than publishing did. Keys in byte order, as
    /// `JSONEncoder` with `.sortedKeys` would write them.
    func json() -> [UInt8] {
        var output = JSONOutput(capacity: 128 + items.count * 120)
        output.object { out in
            out.member("accepted", accepted)
            out.key("items")
            out.array { out in
                for item in items {
                    out.object { out in
                        out.member("eventId", item.eventId)
                        out.member("index", item.index)
                        out.member("outcome", item.outcome)
                        if let problem = item.problem {
                            out.key("problem")
                            out.object { out in
                                out.member("code", problem.code)
                                out.member("detail", problem.detail)
                                out.member("pointer", problem.pointer)
                                out.member("status", problem.status)
                                out.member("title", problem.title)
                                out.member("type", problem.type)
                            }
                        }
                        out.member("specimenId", item.specimenId)
                    }
                }
            }
            out.member("labId", labId)
            out.member("receivedAt", receivedAt)
            out.member("rejected", rejected)
            out.member("submissionId", submissionId)
            out.member("unavailable", unavailable)
        }
        return output.bytes
    }
}
