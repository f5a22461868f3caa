-- Users per lifecycle stage at every window end, with what the value model expects of them.
--
-- Answers: how many live users are new, active, at risk, lapsed or reactivated at each window
-- end, how many moved into that stage in the window, and how much does the value model expect
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
