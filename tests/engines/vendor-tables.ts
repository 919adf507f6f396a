// The vendors' ClickHouse tables, as their migrations create them (indexes, codecs and body TTLs left out):
// Langfuse packages/shared/clickhouse/migrations/unclustered/0001_traces.up.sql, 0002_observations.up.sql;
// Helicone clickhouse/migrations/20200101000041_request_response_replacing_merge_tree.sql with schema_43_cache_tokens,
// schema_44_audio_tokens and schema_52_add_cost_to_request_response_rmt (cost: Nullable(UInt64), nano-USD).
export const LANGFUSE_DDL = [
  `CREATE TABLE traces (id String, timestamp DateTime64(3), name String, user_id Nullable(String), metadata Map(LowCardinality(String), String),
    release Nullable(String), version Nullable(String), project_id String, public Bool, bookmarked Bool, tags Array(String), input Nullable(String),
    output Nullable(String), session_id Nullable(String), created_at DateTime64(3) DEFAULT now(), updated_at DateTime64(3) DEFAULT now(),
    event_ts DateTime64(3), is_deleted UInt8)
   ENGINE = ReplacingMergeTree(event_ts, is_deleted) PARTITION BY toYYYYMM(timestamp) PRIMARY KEY (project_id, toDate(timestamp)) ORDER BY (project_id, toDate(timestamp), id)`,
  `CREATE TABLE observations (id String, trace_id String, project_id String, type LowCardinality(String), parent_observation_id Nullable(String),
    start_time DateTime64(3), end_time Nullable(DateTime64(3)), name String, metadata Map(LowCardinality(String), String), level LowCardinality(String),
    status_message Nullable(String), version Nullable(String), input Nullable(String), output Nullable(String), provided_model_name Nullable(String),
    internal_model_id Nullable(String), model_parameters Nullable(String), provided_usage_details Map(LowCardinality(String), UInt64),
    usage_details Map(LowCardinality(String), UInt64), provided_cost_details Map(LowCardinality(String), Decimal64(12)),
    cost_details Map(LowCardinality(String), Decimal64(12)), total_cost Nullable(Decimal64(12)), completion_start_time Nullable(DateTime64(3)),
    prompt_id Nullable(String), prompt_name Nullable(String), prompt_version Nullable(UInt16), created_at DateTime64(3) DEFAULT now(),
    updated_at DateTime64(3) DEFAULT now(), event_ts DateTime64(3), is_deleted UInt8)
   ENGINE = ReplacingMergeTree(event_ts, is_deleted) PARTITION BY toYYYYMM(start_time) PRIMARY KEY (project_id, type, toDate(start_time)) ORDER BY (project_id, type, toDate(start_time), id)`,
];

export const HELICONE_DDL = `CREATE TABLE request_response_rmt (response_id Nullable(UUID), response_created_at Nullable(DateTime64(3)), latency Nullable(Int64), status Int64,
    completion_tokens Nullable(Int64), completion_audio_tokens Int64 DEFAULT 0, prompt_tokens Nullable(Int64), prompt_cache_write_tokens Int64 DEFAULT 0,
    prompt_cache_read_tokens Int64 DEFAULT 0, prompt_audio_tokens Int64 DEFAULT 0, model LowCardinality(String), request_id UUID,
    request_created_at DateTime64(3), user_id LowCardinality(String), organization_id UUID, proxy_key_id Nullable(UUID), threat Nullable(Bool),
    time_to_first_token Nullable(Int64), provider LowCardinality(String), target_url Nullable(String), country_code Nullable(String),
    properties Map(LowCardinality(String), String), scores Map(LowCardinality(String), Int64), request_body String DEFAULT '', response_body String DEFAULT '',
    cost Nullable(UInt64) DEFAULT 0, assets Array(String), updated_at DateTime64(3, 'UTC') DEFAULT now())
  ENGINE = ReplacingMergeTree(updated_at) PARTITION BY toYYYYMM(request_created_at)
  PRIMARY KEY (organization_id, provider, model, user_id, request_created_at, request_id) ORDER BY (organization_id, provider, model, user_id, request_created_at, request_id)`;

