-- Net revenue per week of the control group and of everyone else, straight from the raw events.
--
-- Answers: do users outside the control group (who get the agent's actions) spend more per head
-- than control users, week by week, counted from what they actually bought (purchases minus
-- refunds on the events topic) rather than from the agent's own reward bookkeeping? A check on
-- sql/20-uplift.sql that does not depend on the job's attribution.
--
-- Users are those the agent decided on at least once (their group is on every decision); weeks are
-- calendar weeks of 7 days from 1970-01-01 (a Thursday), not each user's own windows.
-- Net revenue per user divides by every user of the group, buyers or not.
--
--   jobs/sql.sh sql/50-revenue-by-group.sql

CREATE TEMPORARY VIEW user_groups AS
SELECT user_id, MAX(CASE WHEN control_group THEN 1 ELSE 0 END) = 1 AS in_control
FROM decisions
GROUP BY user_id;

CREATE TEMPORARY VIEW revenue_by_group AS
WITH weekly AS (
  SELECT
    CAST(window_start AS DATE)                                  AS week_start,
    user_id,
    SUM(CASE WHEN type = 'purchase' THEN 1 ELSE 0 END)          AS purchases,
    SUM(CASE WHEN type = 'purchase' THEN amount
             WHEN type = 'refund' THEN -amount ELSE 0 END)      AS net_revenue
  FROM TABLE(TUMBLE(TABLE valid_events, DESCRIPTOR(ts), INTERVAL '7' DAY))
  GROUP BY window_start, window_end, user_id
), sizes AS (
  SELECT in_control, COUNT(*) AS users FROM user_groups GROUP BY in_control
)
SELECT
  w.week_start,
  CASE WHEN g.in_control THEN 'control' ELSE 'policy' END      AS arm,
  s.users,
  SUM(CASE WHEN w.purchases > 0 THEN 1 ELSE 0 END)              AS buyers,
  SUM(w.purchases)                                              AS purchases,
  ROUND(SUM(w.net_revenue), 2)                                  AS net_revenue,
  ROUND(SUM(w.net_revenue) / s.users, 4)                        AS net_revenue_per_user
FROM weekly w
JOIN user_groups g ON w.user_id = g.user_id
JOIN sizes s ON s.in_control = g.in_control
GROUP BY w.week_start, g.in_control, s.users;

SELECT * FROM revenue_by_group ORDER BY week_start, arm;
