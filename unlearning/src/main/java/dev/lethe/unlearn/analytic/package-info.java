/**
 * ACU, Analytic Continual Unlearning (UNLEARNING.md, acu): an {@link
 * dev.lethe.unlearn.analytic.AnalyticHead} over a network's frozen {@link
 * dev.lethe.unlearn.analytic.Backbone} — a fixed random {@link
 * dev.lethe.unlearn.analytic.BufferLayer} and a float64 ridge-regression classifier kept as a
 * {@link dev.lethe.unlearn.analytic.RecursiveRidge} — which learns by the closed form ({@link
 * dev.lethe.unlearn.analytic.NormalEquations}) and forgets exactly by recursive downdates, and the
 * {@link dev.lethe.unlearn.analytic.AnalyticUnlearning} method that applies it to a request.
 */
package dev.lethe.unlearn.analytic;
