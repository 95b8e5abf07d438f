/**
 * Making a trained model forget: the {@link dev.lethe.unlearn.Unlearner} interface, the request
 * it answers ({@link dev.lethe.unlearn.UnlearningRequest}, a {@link dev.lethe.unlearn.ForgetSet}
 * of training indices) and the record it returns. The methods and their math live in
 * sub-packages, one small type per idea, each citing the equation it implements.
 */
package dev.lethe.unlearn;
