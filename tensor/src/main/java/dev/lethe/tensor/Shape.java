package dev.lethe.tensor;

import java.util.Arrays;

/**
 * Shape arithmetic shared by every backend: element counts, row-major strides, axis
 * normalisation and NumPy broadcasting. Shapes are plain {@code int[]}; these functions never
 * modify their arguments.
 */
public final class Shape {
    private Shape() {
    }

    /** Number of elements of a shape; fails when it does not fit a Java index. */
    public static int numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + str(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + str(shape) + " has more than 2^31-1 elements");
            }
        }
        return (int) n;
    }

    /** Row-major (C order) strides in elements. */
    public static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }

    /** Maps a possibly negative axis ({@code -1} = last) into {@code [0, rank)}. */
    public static int axis(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for a tensor of rank " + rank);
        }
        return a;
    }

    /** Normalises and sorts a list of axes; duplicates are an error. An empty list means all axes. */
    public static int[] axes(int[] axes, int rank) {
        if (axes == null || axes.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            out[i] = axis(axes[i], rank);
        }
        Arrays.sort(out);
        for (int i = 1; i < out.length; i++) {
            if (out[i] == out[i - 1]) {
                throw new IllegalArgumentException("axis " + out[i] + " repeated in " + Arrays.toString(axes));
            }
        }
        return out;
    }

    /** NumPy broadcasting of two shapes; the error names both shapes and the operation. */
    public static int[] broadcast(int[] a, int[] b, String op) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shape " + str(a) + " does not broadcast with " + str(b) + " in " + op);
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** {@code [2, 3]} as printed in messages. */
    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /** Copies an int array, rejecting null. */
    static int[] copy(int[] shape) {
        if (shape == null) {
            throw new IllegalArgumentException("shape must not be null");
        }
        return shape.clone();
    }
}
