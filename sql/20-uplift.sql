-- Realized uplift per action against the global control group, with a 95% confidence interval.
--
-- Answers: for the decisions whose reward horizon has passed (the outcomes topic), how much more
-- did a user earn us (reward = revenue - refunds - action cost) and spend (revenue) after getting
-- an action than a user of the control group, who never gets one?
--
-- uplift = mean(treated) - mean(control); its standard error is
-- sqrt(var(treated) / n(treated) + var(control) / n(control)) (sample variances), and the interval
-- is uplift +- 1.96 standard errors (normal approximation; fine from a few dozen outcomes per arm).
--
-- How to read it:
-- * The `(policy)` row compares every user outside the control group (whatever the agent chose
--   for them, `none` included) with the control group. Membership is random (a hash of the user
--   id), so this is the causal uplift of running the agent at all.
-- * The per-action rows compare the users the agent chose for that action with the control group.
--   The agent picks who gets what, so these mix the action's effect with who it was sent to
--   (a coupon sent to the most loyal users looks good either way). For causal per-action effects
--   evaluate off-line from the logged propensities: jobs/evaluate-policy.sh.
--
--   jobs/sql.sh sql/20-uplift.sql

-- One row per matured decision and metric.
CREATE TEMPORARY VIEW outcome_metrics AS
SELECT action, control_group, 'reward' AS metric, reward AS v FROM outcomes
UNION ALL
SELECT action, control_group, 'revenue' AS metric, revenue AS v FROM outcomes;

-- Count, mean and sample variance per arm: each action, all non-control decisions, the control.
CREATE TEMPORARY VIEW arm_stats AS
SELECT action AS arm, metric, COUNT(*) AS n, AVG(v) AS mean, VAR_SAMP(v) AS var
FROM outcome_metrics WHERE NOT control_group GROUP BY action, metric
UNION ALL
SELECT '(policy)' AS arm, metric, COUNT(*) AS n, AVG(v) AS mean, VAR_SAMP(v) AS var
FROM outcome_metrics WHERE NOT control_group GROUP BY metric;

CREATE TEMPORARY VIEW control_stats AS
SELECT metric, COUNT(*) AS n, AVG(v) AS mean, VAR_SAMP(v) AS var
FROM outcome_metrics WHERE control_group GROUP BY metric;

CREATE TEMPORARY VIEW uplift AS
SELECT
  t.arm,
  t.metric,
  t.n                                                        AS treated_n,
  ROUND(t.mean, 4)                                           AS treated_mean,
  c.n                                                        AS control_n,
  ROUND(c.mean, 4)                                           AS control_mean,
  ROUND(t.mean - c.mean, 4)                                  AS uplift,
  ROUND(t.mean - c.mean - 1.96 * SQRT(t.var / t.n + c.var / c.n), 4) AS ci95_low,
  ROUND(t.mean - c.mean + 1.96 * SQRT(t.var / t.n + c.var / c.n), 4) AS ci95_high
FROM arm_stats t JOIN control_stats c ON t.metric = c.metric;

SELECT * FROM uplift ORDER BY metric DESC, arm;
