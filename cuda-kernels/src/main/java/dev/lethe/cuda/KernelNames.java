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
        for (String t : new String[] {"f32", "f64"}) {
            names.add("unary_" + t);
            names.add("binary_" + t);
            names.add("where_" + t);
            names.add("reduce_" + t);
            names.add("softmax_" + t);
            names.add("softmax_backward_" + t);
            names.add("cross_entropy_" + t);
            names.add("cross_entropy_backward_" + t);
            for (String k : new String[] {"max_pool2d_", "max_pool2d_backward_", "avg_pool2d_", "avg_pool2d_backward_",
                    "adaptive_avg_pool2d_", "adaptive_avg_pool2d_backward_"}) {
                names.add(k + t);
            }
            for (String k : new String[] {"batch_norm_stats_", "batch_norm_apply_", "batch_norm_backward_stats_",
                    "batch_norm_backward_apply_", "layer_norm_", "layer_norm_backward_", "layer_norm_param_grads_"}) {
                names.add(k + t);
            }
        }
        String[] types = {"i32", "i64", "f32", "f64"};
        for (String s : types) {
            names.add("fill_" + s);
            for (String d : types) {
                names.add(copy(s, d));
            }
        }
        names.add("accumulate_importance_f32");
        names.add("ssd_dampen_f32");
        names.add("masked_update_f32");
        return names;
    }

    /** The converting strided copy from dtype suffix {@code src} to {@code dst}. */
    static String copy(String src, String dst) {
        return "copy_" + src + "_" + dst;
    }
}
