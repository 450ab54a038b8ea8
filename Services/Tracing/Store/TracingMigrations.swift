public import FangyiService

/// The `tracing` schema.
///
/// Check-ins are range-partitioned by UTC day on `checked_in_at`: both lookups the
/// tracer needs ("who was at venue V between t1 and t2", "where was person P between
/// t1 and t2") are index range scans in the few partitions a window touches, and
/// dropping a day past retention is `DROP TABLE` of one partition instead of a
/// delete of millions of rows. The venue index is unique on (venue, time, person):
/// it is also what makes a replayed check-in a no-op, so check-ins skip the inbox.
///
/// Every change to a person's case or contact state first locks that person's row in
/// `persons` (in subject-ref order), so two workers racing on one person serialize
/// there; the partial unique indexes on open cases and active contacts are the
/// backstop that makes a double impossible even if that rule were broken.
public enum TracingMigrations {
    /// Every migration, in order.
    public static let all: [Migration] = [
        Migration(version: 1, name: "tracing_tables", sql: """
            CREATE TABLE checkins (
                venue_id      text        NOT NULL,
                venue_kind    text        NOT NULL,
                area_code     text        NOT NULL,
                subject_ref   text        NOT NULL,
                checked_in_at timestamptz NOT NULL,
                ends_at       timestamptz NOT NULL,
                left_at       timestamptz,
                source        text        NOT NULL
            ) PARTITION BY RANGE (checked_in_at);
            CREATE UNIQUE INDEX checkins_by_venue ON checkins (venue_id, checked_in_at, subject_ref);
            CREATE INDEX checkins_by_subject ON checkins (subject_ref, checked_in_at);

            CREATE TABLE relations (
                subject_ref text        NOT NULL,
                other_ref   text        NOT NULL,
                kind        text        NOT NULL,
                valid_from  timestamptz NOT NULL,
                valid_to    timestamptz,
                source      text        NOT NULL,
                recorded_at timestamptz NOT NULL,
                PRIMARY KEY (subject_ref, other_ref, kind, valid_from)
            );

            CREATE TABLE persons (
                subject_ref      text PRIMARY KEY,
                area_code        text,
                age_years        integer,
                symptomatic      boolean     NOT NULL DEFAULT false,
                symptom_onset    timestamptz,
                clinical_severity text,
                admitted_at      timestamptz,
                discharged_at    timestamptz
            );

            CREATE TABLE cases (
                case_id            text PRIMARY KEY,
                subject_ref        text        NOT NULL,
                classification     text        NOT NULL,
                severity           text        NOT NULL,
                area_code          text        NOT NULL,
                sample_collected_at timestamptz NOT NULL,
                reported_at        timestamptz NOT NULL,
                infectious_from    timestamptz NOT NULL,
                infectious_until   timestamptz NOT NULL,
                positive_result_id text        NOT NULL,
                opened_at          timestamptz NOT NULL,
                chain_id           text        NOT NULL,
                source_case_id     text,
                link_via           text,
                link_venue_id      text,
                recovered_at       timestamptz
            );
            CREATE UNIQUE INDEX cases_open_per_person ON cases (subject_ref) WHERE recovered_at IS NULL;
            CREATE INDEX cases_by_chain ON cases (chain_id);

            CREATE TABLE case_samples (
                case_id      text        NOT NULL,
                result_id    text        NOT NULL,
                collected_at timestamptz NOT NULL,
                qualifies    boolean     NOT NULL,
                PRIMARY KEY (case_id, result_id)
            );

            CREATE TABLE contacts (
                contact_id         text PRIMARY KEY,
                subject_ref        text        NOT NULL,
                tier               text        NOT NULL,
                source_case_id     text        NOT NULL,
                via_contact_id     text,
                via                text        NOT NULL,
                venue_id           text,
                area_code          text        NOT NULL,
                exposure_area_code text        NOT NULL,
                exposure_from      timestamptz NOT NULL,
                exposure_until     timestamptz NOT NULL,
                identified_at      timestamptz NOT NULL,
                follow_up_deadline timestamptz NOT NULL,
                followed_up_at     timestamptz,
                cleared_at         timestamptz,
                clearance          text
            );
            CREATE UNIQUE INDEX contacts_active_per_person ON contacts (subject_ref) WHERE cleared_at IS NULL;
            CREATE INDEX contacts_by_case ON contacts (source_case_id);
            CREATE INDEX contacts_follow_up ON contacts (area_code, follow_up_deadline) WHERE cleared_at IS NULL AND followed_up_at IS NULL;

            -- Visits of cases (inside their infectious window) and of close contacts (from
            -- first exposure to isolation): a check-in arriving later that overlaps one of
            -- these makes its person a contact. Small: only cases' and close contacts' visits.
            CREATE TABLE exposure_sources (
                venue_id   text        NOT NULL,
                starts_at  timestamptz NOT NULL,
                ends_at    timestamptz NOT NULL,
                owner_ref  text        NOT NULL,
                case_id    text        NOT NULL,
                contact_id text,
                grants     text        NOT NULL,
                area_code  text        NOT NULL,
                PRIMARY KEY (venue_id, starts_at, owner_ref, case_id)
            );

            CREATE TABLE clusters (
                cluster_id  text PRIMARY KEY,
                setting_key text        NOT NULL,
                area_code   text        NOT NULL,
                via         text        NOT NULL,
                venue_id    text,
                detected_at timestamptz,
                last_case_at timestamptz NOT NULL
            );
            CREATE INDEX clusters_by_setting ON clusters (setting_key, last_case_at);
            CREATE TABLE cluster_cases (
                cluster_id text NOT NULL,
                case_id    text NOT NULL,
                PRIMARY KEY (cluster_id, case_id)
            );

            CREATE TABLE retests (
                retest_id   text PRIMARY KEY,
                subject_ref text        NOT NULL,
                area_code   text        NOT NULL,
                reason      text        NOT NULL,
                pool_id     text,
                result_id   text,
                ordered_at  timestamptz NOT NULL,
                due_by      timestamptz NOT NULL
            );
            """),
    ]
}
