-- Users per lifecycle stage among each day's window ends, with what the value model expects of
-- them. Users' windows end at their own phase (lifecycle.window-phase-step), so each day holds
-- about a seventh of the live users; the common grid (window-phase-step 0s) puts them all on one
-- day a week.
--
-- Answers: how many live users are new, active, at risk, lapsed or reactivated at the window ends
-- of a day, how many moved into that stage in the window, and how much does the value model expect
-- them to buy and spend over its horizon (the size of the prize for retention actions)?
--
--   jobs/sql.sh sql/60-users-by-stage.sql

CREATE TEMPORARY VIEW users_by_stage AS
SELECT
  CAST(window_end AS DATE)                                         AS window_end,
  stage,
  COUNT(*)                                                         AS users,
  SUM(CASE WHEN previous_stage <> stage THEN 1 ELSE 0 END)         AS entered,
  ROUND(AVG(`value`.purchase_probability), 4)                      AS avg_purchase_probability,
  ROUND(SUM(`value`.expected_purchases), 2)                        AS expected_purchases,
  ROUND(SUM(`value`.expected_spend), 2)                            AS expected_spend
FROM window_snapshots
GROUP BY CAST(window_end AS DATE), stage;

SELECT * FROM users_by_stage ORDER BY window_end, stage;
