/// The columns ``CSVReader`` understands: the reference for labs writing CSV exports.
///
/// Header names are matched case-insensitively after trimming, with `-` and spaces read as
/// `_` (`Specimen ID` is `specimen_id`). Columns may come in any order; unknown columns are
/// ignored. Only `specimen_id` is required as a column; any cell may be empty, and an
/// empty cell means the value is absent. Whether a value is *allowed* (a known lab, a known
/// test code, a Ct in range, a date not in the future) is checked after reading, the same
/// way for every format.
///
/// | Column | Becomes | Format |
/// |---|---|---|
/// | `lab_id` | the lab's id | text; absent means the authenticated lab |
/// | `specimen_id` | the specimen (tube) id | text; **required column**. In a pool, the member's tube |
/// | `status` | result status | `final`, `corrected`, `cancelled`, or `F`, `C`, `X` (any case) |
/// | `version` | the lab's version of the result | integer |
/// | `national_id` | PRC resident identity card number | text |
/// | `patient_id` | another identifier (passport, MRN) | text |
/// | `patient_id_authority` | who issued `patient_id` | text |
/// | `name` | the person's name | text |
/// | `phone` | phone number | text |
/// | `address` | residential address | text |
/// | `area_code` | 6-digit administrative division code of the residence | text |
/// | `test_code` | the test | LOINC code (or a registered local code) |
/// | `result` | qualitative result | `detected`, `not detected`, `positive`, `negative`, `inconclusive`, `invalid`, or a SNOMED CT code |
/// | `orf1ab_ct`, `n_ct`, `e_ct`, `rdrp_ct` | Ct value of that target | decimal number (`32.5`); an empty cell, `-`, `/`, `N/A`, `NA`, `NoCt`, `No Ct`, `Undetermined` or `未检出` means no amplification |
/// | `specimen_type` | kind of specimen | SNOMED CT code or a word |
/// | `collected_at`, `reported_at` | when collected / reported | ISO 8601 with an offset (`2022-05-03T09:15:00+08:00`, `...Z`); or local China time (UTC+08:00) as LIS exports write it: `2022-05-03 09:15`, `2022-05-03 09:15:30`, `2022/5/3 9:15`, or a date alone (midnight) |
/// | `pool_id` | the pooled tube's id | text; rows with the same `pool_id` are one pool result |
/// | `pool_specimen_id` | the pooled tube's specimen id | text; used only on pool rows |
/// | `retest_of_pool_id` | the pool an individual retest comes from | text |
///
/// **Pools.** All rows sharing a `pool_id` form one item, placed at the first such row: its
/// result, Ct values, status and times are read from that first row, and every row adds
/// one member (its `specimen_id` and person columns). All rows of a pool must repeat the
/// same `result`, Ct values, `status` and `pool_specimen_id`.
///
/// Concurrency: a plain enum; `Sendable`.
public enum CSVColumn: String, CaseIterable, Sendable {
    /// `lab_id`
    case labId = "lab_id"
    /// `specimen_id` (required)
    case specimenId = "specimen_id"
    /// `status`
    case status
    /// `version`
    case version
    /// `national_id`
    case nationalId = "national_id"
    /// `patient_id`
    case patientId = "patient_id"
    /// `patient_id_authority`
    case patientIdAuthority = "patient_id_authority"
    /// `name`
    case name
    /// `phone`
    case phone
    /// `address`
    case address
    /// `area_code`
    case areaCode = "area_code"
    /// `test_code`
    case testCode = "test_code"
    /// `result`
    case result
    /// `orf1ab_ct`
    case orf1abCt = "orf1ab_ct"
    /// `n_ct`
    case nCt = "n_ct"
    /// `e_ct`
    case eCt = "e_ct"
    /// `rdrp_ct`
    case rdrpCt = "rdrp_ct"
    /// `specimen_type`
    case specimenType = "specimen_type"
    /// `collected_at`
    case collectedAt = "collected_at"
    /// `reported_at`
    case reportedAt = "reported_at"
    /// `pool_id`
    case poolId = "pool_id"
    /// `pool_specimen_id`
    case poolSpecimenId = "pool_specimen_id"
    /// `retest_of_pool_id`
    case retestOfPoolId = "retest_of_pool_id"

    /// The Ct columns and the target name each gives, in reading order.
    static let ctColumns: [(column: CSVColumn, target: String)] = [
        (.orf1abCt, "ORF1ab"), (.nCt, "N"), (.eCt, "E"), (.rdrpCt, "RdRp"),
    ]

    /// The case's position in `allCases`, for array-indexed lookups in the per-row path
    /// (a raw-value enum would otherwise hash its raw string for every dictionary lookup).
    var ordinal: Int {
        switch self {
        case .labId: 0
        case .specimenId: 1
        case .status: 2
        case .version: 3
        case .nationalId: 4
        case .patientId: 5
        case .patientIdAuthority: 6
        case .name: 7
        case .phone: 8
        case .address: 9
        case .areaCode: 10
        case .testCode: 11
        case .result: 12
        case .orf1abCt: 13
        case .nCt: 14
        case .eCt: 15
        case .rdrpCt: 16
        case .specimenType: 17
        case .collectedAt: 18
        case .reportedAt: 19
        case .poolId: 20
        case .poolSpecimenId: 21
        case .retestOfPoolId: 22
        }
    }

    /// Cell texts (compared case-insensitively) that mean "no amplification" in a Ct column.
    static let noAmplification: Set<String> = ["-", "/", "n/a", "na", "noct", "no ct", "undetermined", "未检出"]
}
