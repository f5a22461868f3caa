-- Rollout of policy versions: which policy made the decisions, day by day.
--
-- Answers: when did a new policy version (published by the learner after an off-policy check)
-- take over, how fast, and how much does each version explore? Read from the decision log; the
-- control group is left out: its users get `none` whatever the policy says.
--
--   jobs/sql.sh sql/40-policy-rollout.sql

CREATE TEMPORARY VIEW policy_rollout AS
WITH per_version AS (
  SELECT
    CAST(window_start AS DATE)                  AS `day`,
    policy_version,
    COUNT(*)                                    AS decisions,
    SUM(CASE WHEN explored THEN 1 ELSE 0 END)   AS explored,
    SUM(CASE WHEN action <> 'none' THEN 1 ELSE 0 END) AS actions_sent
  FROM TABLE(TUMBLE(TABLE decided, DESCRIPTOR(decided_at), INTERVAL '1' DAY))
  WHERE NOT control_group
  GROUP BY window_start, window_end, policy_version
), per_day AS (
  SELECT `day`, SUM(decisions) AS total FROM per_version GROUP BY `day`
)
SELECT
  v.`day`,
  v.policy_version,
  v.decisions,
  ROUND(100.0 * v.decisions / d.total, 2)        AS share_pct,
  ROUND(100.0 * v.explored / v.decisions, 2)     AS explored_pct,
  v.actions_sent
FROM per_version v JOIN per_day d ON v.`day` = d.`day`;

SELECT * FROM policy_rollout ORDER BY `day`, policy_version;

-- Each version's life: its first and last day and how many decisions it made.
SELECT
  policy_version,
  MIN(`day`)      AS first_day,
  MAX(`day`)      AS last_day,
  SUM(decisions)  AS decisions
FROM policy_rollout
GROUP BY policy_version
ORDER BY policy_version;
