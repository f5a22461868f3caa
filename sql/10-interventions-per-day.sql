-- Interventions per day by action and lifecycle stage.
--
-- Answers: on each day, which retention actions went out (the interventions topic: the agent's
-- actionable decisions), to users in which lifecycle stage, how many of them were exploration (not
-- the policy's best action), how sure the policy was (mean propensity) and what they are expected
-- to cost?
--
-- Decisions are made at each user's window ends, spread over the week by their phase
-- (lifecycle.window-phase-step), so every day has rows for about a seventh of the users. Users the
-- agent left alone, and the control group, are in the decision log (sql/30-budget-burn.sql,
-- sql/40-policy-rollout.sql).
--
--   jobs/sql.sh sql/10-interventions-per-day.sql

CREATE TEMPORARY VIEW interventions_per_day AS
SELECT
  CAST(window_start AS DATE)                       AS `day`,
  stage,
  action,
  COUNT(*)                                         AS interventions,
  SUM(CASE WHEN explored THEN 1 ELSE 0 END)        AS explored,
  ROUND(AVG(propensity), 4)                        AS avg_propensity,
  ROUND(SUM(expected_cost), 2)                     AS expected_cost
FROM TABLE(TUMBLE(TABLE sent, DESCRIPTOR(decided_at), INTERVAL '1' DAY))
GROUP BY window_start, window_end, stage, action;

SELECT * FROM interventions_per_day
ORDER BY `day`, stage, action;
