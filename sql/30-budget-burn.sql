-- Budget burn per day: what the agent committed against the daily budget.
--
-- Answers: on each day, how many users did the agent decide on and how many actions did it send,
-- what did it expect them to cost (the amount it charges to the day's budget when it decides),
-- which share of the daily budget is that, for how many users did the budget take an action off
-- the table, and what did the sent actions cost once their reward horizon passed (realized: fixed
-- cost plus the revenue share of what the user then bought)? Read from the decision log.
--
-- The budget to compare with is the job's agent.daily-budget (application config) unless given:
--   jobs/sql.sh sql/30-budget-burn.sql
--   jobs/sql.sh sql/30-budget-burn.sql -D report.daily-budget=500
SET 'report.daily-budget' = '${agent.daily-budget}';

CREATE TEMPORARY VIEW budget_burn AS
WITH committed AS (
  SELECT
    CAST(window_start AS DATE)                          AS `day`,
    COUNT(*)                                            AS decisions,
    SUM(CASE WHEN action <> 'none' THEN 1 ELSE 0 END)   AS actions_sent,
    SUM(CASE WHEN budget_denied THEN 1 ELSE 0 END)      AS budget_denied,
    SUM(expected_cost)                                  AS expected_cost
  FROM TABLE(TUMBLE(TABLE decided, DESCRIPTOR(decided_at), INTERVAL '1' DAY))
  GROUP BY window_start, window_end
), realized AS (
  -- matured outcomes of sent actions, by the day of their decision
  SELECT CAST(window_end AS DATE) AS `day`, COUNT(*) AS matured, SUM(cost) AS realized_cost
  FROM outcomes
  WHERE action <> 'none'
  GROUP BY CAST(window_end AS DATE)
)
SELECT
  c.`day`,
  c.decisions,
  c.actions_sent,
  c.budget_denied,
  ROUND(c.expected_cost, 2)                                                       AS expected_cost,
  CAST('${report.daily-budget}' AS DOUBLE)                                        AS daily_budget,
  ROUND(100 * c.expected_cost / NULLIF(CAST('${report.daily-budget}' AS DOUBLE), 0), 2) AS burn_pct,
  COALESCE(r.matured, 0)                                                          AS matured,
  ROUND(r.realized_cost, 2)                                                       AS realized_cost
FROM committed c LEFT JOIN realized r ON c.`day` = r.`day`;

SELECT * FROM budget_burn ORDER BY `day`;
