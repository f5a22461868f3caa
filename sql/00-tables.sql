-- Tables over the job's Kafka topics. Every report runs after this file
-- (jobs/sql.sh does that: `jobs/sql.sh sql/20-uplift.sql`).
--
-- * Only committed records are read (isolation.level = read_committed): the job writes its topics
--   in Kafka transactions that commit with its checkpoints, so a report never counts a decision
--   that a failure later rolls back.
-- * Each table has an event-time attribute with a watermark, so the daily windows of the reports
--   close in streaming mode (--follow) too.
-- * ${...} are variables of jobs/sql.sh: the application config's keys (topics, Kafka brokers),
--   scan.bounded.mode (latest-offset: read up to the current end and stop; unbounded with
--   --follow) and whatever is SET or given with -D.
-- * ${kafka.client-options} is the job's Kafka client properties (kafka.properties and
--   kafka.properties-file of the config: security.protocol, sasl.*, ssl.*) as 'properties.*'
--   options, one per line, so the tables reach a secured broker as the job does.

-- Days are UTC days, as the agent's daily budget is.
SET 'table.local-time-zone' = 'UTC';

-- Every decision of the agent, one per user and window end, `none` and the control group
-- included, with the probability the policy gave it (io.retentionloop.agent.DecisionJson documents
-- every field). The decision log: budget, rollout and control-group reports read it.
CREATE TABLE decisions (
  schema_version       INT,
  decision_id          STRING,
  user_id              STRING,
  window_end           TIMESTAMP_LTZ(3),   -- when the decision was made (event time)
  action               STRING,             -- none, email, push, coupon10, free_shipping
  action_index         INT,
  propensity           DOUBLE,             -- probability the policy gave this action
  explored             BOOLEAN,
  control_group        BOOLEAN,            -- global control group: always none
  budget_denied        BOOLEAN,            -- the day's budget removed an allowed action
  budget_price         DOUBLE,             -- price per unit of cost the action was chosen with
  stage                STRING,             -- lifecycle stage at the decision
  policy_version       BIGINT,
  model_version        STRING,
  expected_purchases   DOUBLE,
  purchase_probability DOUBLE,
  expected_spend       DOUBLE,
  expected_order_value DOUBLE,
  expected_cost        DOUBLE,             -- charged to the day's budget
  -- users' window ends are spread over the week and parallel agents interleave in a
  -- partition: a day of slack keeps a catch-up's rows out of the late
  WATERMARK FOR window_end AS window_end - INTERVAL '1' DAY
) WITH (
  'connector' = 'kafka',
  'topic' = '${topics.decisions}',
  'properties.bootstrap.servers' = '${kafka.bootstrap-servers}',
  ${kafka.client-options}
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = '${scan.bounded.mode}',
  'format' = 'json',
  'json.timestamp-format.standard' = 'ISO-8601',
  'json.ignore-parse-errors' = 'true'
);

-- The actionable decisions only: the retention actions to send (what marketing and the
-- simulator consume). Same fields as decisions.
CREATE TABLE interventions
WITH ('topic' = '${topics.interventions}')
LIKE decisions (INCLUDING ALL OVERWRITING OPTIONS);

-- The same two with their time attribute named decided_at, for windowed reports (a window table
-- function adds columns of its own named window_start and window_end).
CREATE TEMPORARY VIEW decided AS
SELECT decision_id, user_id, window_end AS decided_at, action, action_index, propensity,
       explored, control_group, budget_denied, budget_price, stage, policy_version,
       model_version, expected_purchases, purchase_probability, expected_spend, expected_order_value,
       expected_cost
FROM decisions;

CREATE TEMPORARY VIEW sent AS
SELECT decision_id, user_id, window_end AS decided_at, action, action_index, propensity,
       explored, stage, policy_version, model_version, expected_spend, expected_cost
FROM interventions;

-- Matured decisions: what each earned and cost over the reward horizon after it
-- (io.retentionloop.agent.OutcomeJson).
CREATE TABLE outcomes (
  schema_version  INT,
  decision_id     STRING,
  user_id         STRING,
  window_end      TIMESTAMP_LTZ(3),   -- when the decision was made
  matures_at      TIMESTAMP_LTZ(3),   -- window_end + horizon
  action          STRING,
  action_index    INT,
  propensity      DOUBLE,
  policy_version  BIGINT,
  control_group   BOOLEAN,
  purchases       INT,                -- purchases in the horizon
  revenue         DOUBLE,             -- their amount
  refunds         DOUBLE,
  cost            DOUBLE,             -- fixed cost + revenue share of the offer in force
  carried_action  STRING,             -- for a none: an earlier offer still running, or NULL
  carried_cost    DOUBLE,             -- its revenue share, part of cost
  reward          DOUBLE,             -- revenue - refunds - cost
  done            BOOLEAN,
  -- users' window ends are spread over the week and parallel agents interleave in a
  -- partition: a day of slack keeps a catch-up's rows out of the late
  WATERMARK FOR matures_at AS matures_at - INTERVAL '1' DAY
) WITH (
  'connector' = 'kafka',
  'topic' = '${topics.outcomes}',
  'properties.bootstrap.servers' = '${kafka.bootstrap-servers}',
  ${kafka.client-options}
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = '${scan.bounded.mode}',
  'format' = 'json',
  'json.timestamp-format.standard' = 'ISO-8601',
  'json.ignore-parse-errors' = 'true'
);

-- The outcomes with the decision time named decided_at, for windowed reports.
CREATE TEMPORARY VIEW matured AS
SELECT decision_id, user_id, window_end AS decided_at, matures_at, action, action_index,
       propensity, policy_version, control_group, purchases, revenue, refunds, cost, reward, done
FROM outcomes;

-- Raw user events as producers sent them (README: event schema). The topic also holds heartbeats
-- and whatever bad records producers sent: use valid_events below, not this table.
CREATE TABLE events (
  event_id    STRING,
  user_id     STRING,
  type        STRING,
  event_time  STRING,   -- ISO-8601 with Z or an offset, or epoch milliseconds
  amount      DOUBLE,
  currency    STRING,
  record_time TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,   -- the Kafka record's
  -- the event time as a TIMESTAMP_LTZ; NULL when it cannot be parsed
  ts AS CASE
      WHEN REGEXP(event_time, '^[0-9]+$') THEN TO_TIMESTAMP_LTZ(TRY_CAST(event_time AS BIGINT), 3)
      ELSE TIMESTAMPADD(MINUTE,
          -- minus the offset (+01:00 is 60 minutes ahead of UTC); Z or none: 0
          - COALESCE(
              TRY_CAST(REGEXP_EXTRACT(event_time, '([+-][0-9]{2}):([0-9]{2})$', 1) AS INT) * 60
              + TRY_CAST(REGEXP_EXTRACT(event_time, '([+-])[0-9]{2}:([0-9]{2})$', 1)
                         || REGEXP_EXTRACT(event_time, '([+-])[0-9]{2}:([0-9]{2})$', 2) AS INT),
              0),
          CAST(TRY_CAST(REPLACE(REGEXP_REPLACE(event_time, '(Z|[+-][0-9]{2}:[0-9]{2})$', ''),
                                'T', ' ') AS TIMESTAMP(3)) AS TIMESTAMP_LTZ(3)))
    END,
  WATERMARK FOR ts AS ts - INTERVAL '1' HOUR
) WITH (
  'connector' = 'kafka',
  'topic' = '${topics.events}',
  'properties.bootstrap.servers' = '${kafka.bootstrap-servers}',
  ${kafka.client-options}
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = '${scan.bounded.mode}',
  'format' = 'json',
  'json.ignore-parse-errors' = 'true'
);

-- The events the job accepts (README: dead letters): one of the five types, a user, a parsable
-- time not before events.min-event-time and at most events.max-future-skew after the record's
-- Kafka timestamp (the job also bounds it by its own clock at ingestion, which SQL cannot know;
-- for records whose timestamp is the time they were produced it comes to the same), and for purchases and refunds an amount above 0 and at most events.max-amount
-- in the base currency (the job converts other currencies with events.fx-rates; by default it has
-- none and rejects them). Each event id counts once per user: producers may resend, and the job
-- drops the repeats the same way. (The job also drops events that arrive later than
-- lifecycle.allowed-lateness behind its watermark; SQL cannot know that and counts them.)
CREATE TEMPORARY VIEW valid_events AS
SELECT event_id, user_id, type, ts, amount
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY user_id, event_id ORDER BY ts) AS copy
  FROM events
  WHERE user_id IS NOT NULL AND event_id IS NOT NULL AND ts IS NOT NULL
    AND ts >= TO_TIMESTAMP_LTZ(${events.min-event-time-millis}, 3)
    AND ts <= TIMESTAMPADD(SECOND, ${events.max-future-skew-seconds}, record_time)
    AND (type IN ('view', 'cart', 'session')
         OR (type IN ('purchase', 'refund') AND amount > 0 AND amount <= ${events.max-amount}
             AND currency = '${events.base-currency}'))
)
WHERE copy = 1;

-- Every live user's lifecycle stage, features and value-model outputs at every window end.
CREATE TABLE window_snapshots (
  user_id         STRING,
  window_start    TIMESTAMP_LTZ(3),
  window_end      TIMESTAMP_LTZ(3),
  stage           STRING,
  previous_stage  STRING,
  feature_version INT,
  features        MAP<STRING, DOUBLE>,
  `value`         ROW<expected_purchases DOUBLE, purchase_probability DOUBLE,
                      expected_spend DOUBLE, horizon_days DOUBLE, model_version STRING>,
  -- users' window ends are spread over the week and parallel agents interleave in a
  -- partition: a day of slack keeps a catch-up's rows out of the late
  WATERMARK FOR window_end AS window_end - INTERVAL '1' DAY
) WITH (
  'connector' = 'kafka',
  'topic' = '${topics.window-snapshots}',
  'properties.bootstrap.servers' = '${kafka.bootstrap-servers}',
  ${kafka.client-options}
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = '${scan.bounded.mode}',
  'format' = 'json',
  'json.timestamp-format.standard' = 'ISO-8601',
  'json.ignore-parse-errors' = 'true'
);
