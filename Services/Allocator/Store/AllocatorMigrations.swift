public import FangyiService

/// The `allocator` schema.
///
/// One row per unit (bed or room). A unit's `occupant` column holds the assignment that
/// occupies it, so "who holds this unit" has one answer by construction; the partial unique
/// indexes on active assignments (one per unit, one per person and purpose) are the
/// backstop. Units are taken with `FOR UPDATE SKIP LOCKED`, so two instances choosing at
/// once never wait on each other and never take the same unit; the `occupant IS NULL` test
/// is re-checked on the locked row.
///
/// Capacity reads come from `pool_counts`, which statement triggers on `units` keep in the
/// same transaction as the change, so it cannot drift from the units (the audit checks it).
///
/// Every change for a person first locks the person's row (in subject-ref order); a unit
/// freed for the waitlist is given to a waiting person whose waitlist row this transaction
/// locked without waiting (`SKIP LOCKED`): a person being changed elsewhere is simply
/// served by that other transaction.
public enum AllocatorMigrations {
    /// Every migration, in order.
    public static let all: [Migration] = [
        Migration(version: 1, name: "allocator_tables", sql: """
            CREATE TABLE areas (
                area_code text PRIMARY KEY,
                name      text,
                adjacent  text[] NOT NULL DEFAULT '{}'
            );
            CREATE TABLE facilities (
                facility_id        text        PRIMARY KEY,
                name               text        NOT NULL,
                kind               text        NOT NULL,
                area_code          text        NOT NULL,
                status             text        NOT NULL CHECK (status IN ('active', 'standby', 'activating', 'closing')),
                activation_lead_s  bigint      NOT NULL CHECK (activation_lead_s >= 0),
                ready_at           timestamptz,
                ventilators        integer     NOT NULL CHECK (ventilators >= 0),
                ventilators_in_use integer     NOT NULL DEFAULT 0 CHECK (ventilators_in_use >= 0),
                ecmo               integer     NOT NULL DEFAULT 0 CHECK (ecmo >= 0),
                updated_at         timestamptz NOT NULL DEFAULT now(),
                CHECK (ventilators_in_use <= ventilators)
            );
            CREATE TABLE units (
                facility_id text    NOT NULL REFERENCES facilities,
                unit_id     text    NOT NULL,
                unit_type   text    NOT NULL,
                seq         integer NOT NULL,
                status      text    NOT NULL DEFAULT 'inService' CHECK (status IN ('inService', 'cleaning', 'closed', 'retired')),
                occupant    text,
                PRIMARY KEY (facility_id, unit_id),
                UNIQUE (facility_id, unit_type, seq),
                CHECK (occupant IS NULL OR status <> 'retired')
            );
            CREATE UNIQUE INDEX units_by_occupant ON units (occupant) WHERE occupant IS NOT NULL;
            CREATE INDEX units_free ON units (facility_id, unit_type, seq) WHERE occupant IS NULL AND status = 'inService';

            CREATE TABLE assignments (
                assignment_id          text        PRIMARY KEY,
                subject_ref            text        NOT NULL,
                purpose                text        NOT NULL,
                facility_id            text        NOT NULL,
                facility_kind          text        NOT NULL,
                unit_id                text        NOT NULL,
                unit_type              text        NOT NULL,
                ventilator             boolean     NOT NULL,
                area_code              text        NOT NULL,
                assigned_at            timestamptz NOT NULL,
                expected_end           timestamptz,
                released_at            timestamptz,
                release_reason         text,
                previous_assignment_id text,
                policy_version         text        NOT NULL,
                reason                 text        NOT NULL,
                FOREIGN KEY (facility_id, unit_id) REFERENCES units
            );
            CREATE UNIQUE INDEX assignments_one_per_unit ON assignments (facility_id, unit_id) WHERE released_at IS NULL;
            CREATE UNIQUE INDEX assignments_one_per_purpose ON assignments (subject_ref, purpose) WHERE released_at IS NULL;
            CREATE INDEX assignments_by_subject ON assignments (subject_ref, assigned_at);
            CREATE INDEX assignments_due ON assignments (expected_end) WHERE released_at IS NULL AND expected_end IS NOT NULL;

            CREATE TABLE waitlist (
                assignment_id          text        PRIMARY KEY,
                subject_ref            text        NOT NULL,
                purpose                text        NOT NULL,
                facility_kind          text        NOT NULL,
                unit_types             text[]      NOT NULL,
                need                   jsonb       NOT NULL,
                area_code              text        NOT NULL,
                severity_rank          integer     NOT NULL,
                vulnerable             boolean     NOT NULL,
                waiting_since          timestamptz NOT NULL,
                replaces_assignment_id text,
                waitlisted_at          timestamptz NOT NULL
            );
            CREATE UNIQUE INDEX waitlist_one_per_purpose ON waitlist (subject_ref, purpose);
            CREATE INDEX waitlist_order ON waitlist (facility_kind, severity_rank DESC, vulnerable DESC, waiting_since, subject_ref);

            CREATE TABLE persons (
                subject_ref text        PRIMARY KEY,
                state       jsonb,
                updated_at  timestamptz NOT NULL DEFAULT now()
            );

            CREATE TABLE decisions (
                id             bigserial   PRIMARY KEY,
                subject_ref    text        NOT NULL,
                decided_at     timestamptz NOT NULL,
                decision       text        NOT NULL,
                assignment_id  text        NOT NULL,
                facility_id    text,
                unit_id        text,
                policy_version text        NOT NULL,
                reason         text        NOT NULL,
                cause          text        NOT NULL
            );
            CREATE INDEX decisions_by_subject ON decisions (subject_ref, id);

            CREATE TABLE area_quarantine_levels (
                area_code text    PRIMARY KEY,
                level     integer NOT NULL DEFAULT 0
            );
            CREATE INDEX waitlist_by_area ON waitlist (facility_kind, area_code);

            -- Counts per facility and unit type, kept by triggers on every statement that changes
            -- units, so capacity reads cost one row per pool instead of a scan of every unit:
            -- total (not retired), occupied, out of service (cleaning or closed, unoccupied).
            CREATE TABLE pool_counts (
                facility_id    text    NOT NULL,
                unit_type      text    NOT NULL,
                total          integer NOT NULL DEFAULT 0,
                occupied       integer NOT NULL DEFAULT 0,
                out_of_service integer NOT NULL DEFAULT 0,
                -- The highest occupancy threshold held as crossed (0: none), for hysteresis.
                level          integer NOT NULL DEFAULT 0,
                PRIMARY KEY (facility_id, unit_type),
                CHECK (occupied >= 0 AND out_of_service >= 0 AND occupied + out_of_service <= total)
            );
            -- The counted flags of a unit row: (not retired, occupied, out of service).
            CREATE FUNCTION pool_flags(status text, occupant text) RETURNS integer[] LANGUAGE sql IMMUTABLE AS $$
                SELECT ARRAY[(status <> 'retired')::int, (occupant IS NOT NULL)::int,
                             (status IN ('cleaning', 'closed') AND occupant IS NULL)::int]
            $$;
            -- Applies one statement's changes to the counts: new rows count positive, old rows
            -- negative. Pools are locked in key order first (a stable lock order between
            -- concurrent transactions).
            CREATE FUNCTION pool_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    INSERT INTO pool_counts AS p (facility_id, unit_type, total, occupied, out_of_service)
                    SELECT facility_id, unit_type, sum(f[1]), sum(f[2]), sum(f[3])
                    FROM (SELECT facility_id, unit_type, pool_flags(status, occupant) AS f FROM new_units) n
                    GROUP BY 1, 2 ORDER BY 1, 2
                    ON CONFLICT (facility_id, unit_type) DO UPDATE SET total = p.total + EXCLUDED.total,
                        occupied = p.occupied + EXCLUDED.occupied, out_of_service = p.out_of_service + EXCLUDED.out_of_service;
                    RETURN NULL;
                END IF;
                -- An update counts its new rows positive and its old rows negative.
                WITH changed AS (
                    SELECT facility_id, unit_type, f[1] AS t, f[2] AS o, f[3] AS s
                    FROM (SELECT facility_id, unit_type, pool_flags(status, occupant) AS f FROM new_units) n
                    UNION ALL
                    SELECT facility_id, unit_type, -f[1], -f[2], -f[3]
                    FROM (SELECT facility_id, unit_type, pool_flags(status, occupant) AS f FROM old_units) o
                ), d AS (
                    SELECT facility_id, unit_type, sum(t) AS t, sum(o) AS o, sum(s) AS s FROM changed
                    GROUP BY 1, 2 HAVING sum(t) <> 0 OR sum(o) <> 0 OR sum(s) <> 0
                ), locked AS (
                    SELECT 1 FROM pool_counts p JOIN d USING (facility_id, unit_type)
                    ORDER BY p.facility_id, p.unit_type FOR UPDATE OF p
                )
                UPDATE pool_counts p SET total = p.total + d.t, occupied = p.occupied + d.o, out_of_service = p.out_of_service + d.s
                FROM d WHERE p.facility_id = d.facility_id AND p.unit_type = d.unit_type AND (SELECT count(*) FROM locked) >= 0;
                RETURN NULL;
            END $$;
            CREATE TRIGGER units_counted_insert AFTER INSERT ON units REFERENCING NEW TABLE AS new_units
                FOR EACH STATEMENT EXECUTE FUNCTION pool_counts_apply();
            CREATE TRIGGER units_counted_update AFTER UPDATE ON units REFERENCING OLD TABLE AS old_units NEW TABLE AS new_units
                FOR EACH STATEMENT EXECUTE FUNCTION pool_counts_apply();
            -- Units are retired, never deleted: the history refers to them and the counts follow them.
            CREATE FUNCTION units_not_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'units are retired (status retired), never deleted';
            END $$;
            CREATE TRIGGER units_never_deleted BEFORE DELETE ON units FOR EACH STATEMENT EXECUTE FUNCTION units_not_deleted();
            """),
    ]
}
