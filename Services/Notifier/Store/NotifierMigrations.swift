public import FangyiService

/// The `notifier` schema.
///
/// - Facts for the risk rules: `cases`, `clusters`, and `persons` (the area, when the person
///   was first named a contact, when last placed, and the sealed contact blob from their
///   latest lab result: the only copy of contact details the notifier keeps, still sealed).
/// - `area_levels`: each area's level, since when and why.
/// - `alerts`: every alert issued, numbered by `seq` in commit order (the insert takes a
///   transaction advisory lock), so the stream's `Last-Event-ID` and each subscriber's order
///   are the commit order and nothing committed later gets a smaller number. `held` marks
///   alerts summarised by a digest: they are published and listed, but not pushed.
/// - `subscribers` and `deliveries`: one delivery per alert and subscriber (unique), so an
///   alert is queued for a subscriber once however often it is processed; person messages
///   are deliveries of the reserved subscriber `person-gateway`.
/// - `digest_windows`: flood control counts per area, kind and audience.
/// - `follow_ups`: close contacts' deadlines, settled when the person is placed.
public enum NotifierMigrations {
    /// Every migration, in order.
    public static let all: [Migration] = [
        Migration(version: 1, name: "notifier_tables", sql: """
            CREATE TABLE persons (
                subject_ref    text PRIMARY KEY,
                area_code      text,
                contact_since  timestamptz,
                placed_at      timestamptz,
                sealed_contact text,
                contact_at     timestamptz
            );
            CREATE TABLE facilities (
                facility_id text PRIMARY KEY,
                area_code   text NOT NULL
            );
            CREATE TABLE cases (
                case_id        text        PRIMARY KEY,
                subject_ref    text        NOT NULL,
                area_code      text        NOT NULL,
                classification text        NOT NULL,
                opened_at      timestamptz NOT NULL
            );
            CREATE INDEX cases_area ON cases (area_code, opened_at);
            CREATE TABLE clusters (
                cluster_id  text        PRIMARY KEY,
                area_code   text        NOT NULL,
                detected_at timestamptz NOT NULL
            );
            CREATE INDEX clusters_area ON clusters (area_code, detected_at);
            CREATE TABLE area_levels (
                area_code    text        PRIMARY KEY,
                level        text        NOT NULL CHECK (level IN ('low', 'medium', 'high')),
                reason_zh    text        NOT NULL,
                reason_en    text        NOT NULL,
                rule         text        NOT NULL,
                facts        jsonb,
                changes      integer     NOT NULL DEFAULT 0,
                since        timestamptz NOT NULL,
                evaluated_at timestamptz NOT NULL
            );
            CREATE INDEX area_levels_raised ON area_levels (area_code) WHERE level <> 'low';
            CREATE TABLE follow_ups (
                contact_id  text        PRIMARY KEY,
                subject_ref text        NOT NULL,
                area_code   text        NOT NULL,
                exposure_at timestamptz NOT NULL,
                deadline    timestamptz NOT NULL,
                settled_at  timestamptz,
                overdue_at  timestamptz
            );
            CREATE INDEX follow_ups_open ON follow_ups (subject_ref) WHERE settled_at IS NULL;
            CREATE INDEX follow_ups_due ON follow_ups (deadline) WHERE settled_at IS NULL AND overdue_at IS NULL;
            CREATE TABLE alerts (
                seq           bigserial   PRIMARY KEY,
                alert_id      text        NOT NULL UNIQUE,
                kind          text        NOT NULL,
                severity_rank smallint    NOT NULL,
                area_code     text        NOT NULL,
                audience      text        NOT NULL,
                subject_ref   text,
                due_by        timestamptz,
                held          boolean     NOT NULL,
                payload       text        NOT NULL,
                issued_at     timestamptz NOT NULL
            );
            CREATE INDEX alerts_issued ON alerts (issued_at);
            CREATE TABLE digest_windows (
                area_code     text        NOT NULL,
                kind          text        NOT NULL,
                audience      text        NOT NULL,
                window_start  timestamptz NOT NULL,
                seen          integer     NOT NULL DEFAULT 0,
                held          integer     NOT NULL DEFAULT 0,
                severity_rank smallint    NOT NULL DEFAULT 0,
                refs          text[]      NOT NULL DEFAULT '{}',
                flushed_at    timestamptz,
                PRIMARY KEY (area_code, kind, audience, window_start)
            );
            CREATE INDEX digest_windows_due ON digest_windows (window_start) WHERE held > 0 AND flushed_at IS NULL;
            CREATE TABLE subscribers (
                subscriber_id        text        PRIMARY KEY,
                name                 text        NOT NULL,
                url                  text        NOT NULL,
                secret               text        NOT NULL,
                kinds                text[]      NOT NULL,
                areas                text[]      NOT NULL,
                min_severity         smallint    NOT NULL,
                audiences            text[]      NOT NULL,
                rate_per_minute      integer     NOT NULL CHECK (rate_per_minute > 0),
                status               text        NOT NULL CHECK (status IN ('active', 'paused', 'deleted')),
                paused_reason        text,
                consecutive_failures integer     NOT NULL DEFAULT 0,
                created_at           timestamptz NOT NULL DEFAULT now(),
                updated_at           timestamptz NOT NULL DEFAULT now()
            );
            CREATE TABLE deliveries (
                delivery_id     text        PRIMARY KEY,
                subscriber_id   text        NOT NULL,
                channel         text        NOT NULL,
                alert_seq       bigint      NOT NULL,
                state           text        NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
                attempts        integer     NOT NULL DEFAULT 0,
                redeliveries    integer     NOT NULL DEFAULT 0,
                next_attempt_at timestamptz NOT NULL,
                expires_at      timestamptz,
                last_status     integer,
                last_error      text,
                delivered_at    timestamptz,
                updated_at      timestamptz NOT NULL DEFAULT now(),
                UNIQUE (subscriber_id, alert_seq)
            );
            CREATE INDEX deliveries_pending ON deliveries (subscriber_id, alert_seq) WHERE state = 'pending';
            CREATE INDEX deliveries_due ON deliveries (subscriber_id, next_attempt_at) WHERE state = 'pending';
            CREATE INDEX deliveries_finished ON deliveries (updated_at) WHERE state <> 'pending';
            """),
    ]
}
