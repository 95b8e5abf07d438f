package dev.lethe.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * The extern "C" names of the kernels in {@code src/main/cuda}, in one place so the host never
 * asks {@code cuModuleGetFunction} for a name the fatbin lacks (a test checks every one is in it).
 */
final class KernelNames {
    private KernelNames() {
    }

    /** Every kernel the fatbin must contain. */
    static List<String> all() {
        List<String> names = new ArrayList<>();
        String[] types = {"i32", "i64", "f32", "f64"};
        for (String t : types) {
            for (String kernel : new String[] {"unary_", "binary_", "where_", "reduce_", "fill_", "arg_reduce_",
                    "radix_histogram_", "index_walk_"}) {
                names.add(kernel + t);
            }
            for (String d : types) {
                names.add(copy(t, d));
            }
        }
        for (String t : new String[] {"f32", "f64"}) {
            for (String kernel : new String[] {"softmax_", "softmax_backward_", "cross_entropy_",
                    "cross_entropy_backward_", "dropout_mask_", "sgd_step_", "adamw_step_", "ssd_dampen_",
                    "max_pool2d_", "max_pool2d_backward_", "avg_pool2d_", "avg_pool2d_backward_",
                    "adaptive_avg_pool2d_", "adaptive_avg_pool2d_backward_", "batch_norm_stats_", "batch_norm_apply_",
                    "batch_norm_backward_stats_", "batch_norm_backward_apply_", "layer_norm_", "layer_norm_backward_",
                    "layer_norm_param_grads_"}) {
                names.add(kernel + t);
            }
        }
        return names;
    }

    /** The converting strided copy from dtype suffix {@code src} to {@code dst}. */
    static String copy(String src, String dst) {
        return "copy_" + src + "_" + dst;
    }
}
