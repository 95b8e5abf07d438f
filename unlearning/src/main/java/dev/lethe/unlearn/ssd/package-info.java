/**
 * SSD, Selective Synaptic Dampening (Foster, Schoepf and Brintrup, AAAI 2024; UNLEARNING.md
 * "ssd"): the importance of each parameter over the training and the forget data
 * ({@link dev.lethe.unlearn.ssd.ImportanceEstimator}), the rule that dampens the parameters far
 * more important to the forget set ({@link dev.lethe.unlearn.ssd.SelectiveDampening}), and the
 * unlearner that puts the two together
 * ({@link dev.lethe.unlearn.ssd.SelectiveSynapticDampening}).
 */
package dev.lethe.unlearn.ssd;
