/**
 * Training: {@link dev.lethe.train.Trainer} (the loop, checkpoints after each epoch, exact
 * resume), {@link dev.lethe.train.TrainOptions}, {@link dev.lethe.train.Evaluation} (loss and
 * accuracy on a dataset), {@link dev.lethe.train.Progress} (terminal bar or periodic lines) and
 * {@link dev.lethe.train.Seeds} (independent random streams from one seed).
 */
package dev.lethe.train;
