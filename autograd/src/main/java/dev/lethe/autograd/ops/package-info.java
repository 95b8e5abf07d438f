/**
 * The differentiable operations: one small {@link dev.lethe.autograd.Function} subclass per
 * operation, its forward rule (a static {@code apply}) next to its backward rule. Users reach
 * them through the methods of {@link dev.lethe.autograd.Variable}; the classes are public so
 * that the rules can be read, tested and called as a functional API.
 */
package dev.lethe.autograd.ops;
