-- Exports the daily facts behind the reports as CSV files for a spreadsheet or BI tool, in one
-- job that reads each topic once (a statement set).
--
-- Writes into ${report.out-dir} (jobs/sql.sh: target/reports/<time>/ unless --out-dir):
--   decisions/   day, stage, action, control_group, decisions, explored, budget_denied,
--                expected_cost (from the decision log: every decision, none included)
--   outcomes/    decision_day, action, control_group, matured, purchases, revenue, cost, reward,
--                reward_sq (sum of squared rewards: with matured and reward it gives the variance
--                for confidence intervals, as in sql/20-uplift.sql). Decisions of one day mature
--                together, so there is one row per decision day, action and group.
-- CSV files have no header line; the columns are in the order above.
--
--   jobs/sql.sh sql/90-export-csv.sql --out-dir /tmp/retention-report
-- With --follow it keeps running and writes a new file for each closed day; files are committed
-- on checkpoints.
SET 'execution.checkpointing.interval' = '1 min';

CREATE TEMPORARY TABLE decisions_csv (
  `day` DATE, stage STRING, action STRING, control_group BOOLEAN, decisions BIGINT,
  explored BIGINT, budget_denied BIGINT, expected_cost DOUBLE
) WITH (
  'connector' = 'filesystem',
  'path' = '${report.out-dir}/decisions',
  'format' = 'csv'
);

CREATE TEMPORARY TABLE outcomes_csv (
  decision_day DATE, action STRING, control_group BOOLEAN, matured BIGINT, purchases BIGINT,
  revenue DOUBLE, cost DOUBLE, reward DOUBLE, reward_sq DOUBLE
) WITH (
  'connector' = 'filesystem',
  'path' = '${report.out-dir}/outcomes',
  'format' = 'csv'
);

EXECUTE STATEMENT SET
BEGIN
  INSERT INTO decisions_csv
  SELECT CAST(window_start AS DATE), stage, action, control_group, COUNT(*),
         SUM(CASE WHEN explored THEN 1 ELSE 0 END),
         SUM(CASE WHEN budget_denied THEN 1 ELSE 0 END),
         SUM(expected_cost)
  FROM TABLE(TUMBLE(TABLE decided, DESCRIPTOR(decided_at), INTERVAL '1' DAY))
  GROUP BY window_start, window_end, stage, action, control_group;

  -- windowed by maturity (the outcomes' event time), so that streaming output is append-only
  INSERT INTO outcomes_csv
  SELECT CAST(decided_at AS DATE), action, control_group, COUNT(*),
         SUM(CAST(purchases AS BIGINT)), SUM(revenue), SUM(cost), SUM(reward),
         SUM(reward * reward)
  FROM TABLE(TUMBLE(TABLE matured, DESCRIPTOR(matures_at), INTERVAL '1' DAY))
  GROUP BY window_start, window_end, CAST(decided_at AS DATE), action, control_group;
END;
