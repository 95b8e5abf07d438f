/**
 * Scenarios (UNLEARNING.md): run a set of methods on one request (class-wise or random
 * forgetting) or on a sequence of requests (continual), evaluate each result against retraining,
 * and collect the rows of the report.
 */
package dev.lethe.unlearn.scenario;
