/**
 * Measuring unlearning (UNLEARNING.md, Metrics): a model's {@link dev.lethe.unlearn.eval.Predictions}
 * over a data set, its {@link dev.lethe.unlearn.eval.Scores} for a request (UA, RA, TA,
 * MIA-efficacy, per-class test accuracy, the average gap to retraining), the membership-inference
 * attack behind MIA-efficacy ({@link dev.lethe.unlearn.eval.MembershipInference}, LIBSVM's RBF
 * C-SVC) and the KL divergence to the retrained model on the forget set
 * ({@link dev.lethe.unlearn.eval.Divergence}).
 */
package dev.lethe.unlearn.eval;
