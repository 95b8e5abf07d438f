/** JMH benchmarks of Lethe's hot kernels, each measured beside its baseline in the same run. */
package dev.lethe.bench;
