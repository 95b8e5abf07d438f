package dev.lethe.unlearn;

import dev.lethe.data.Dataset;
import java.util.Arrays;

/**
 * What to forget: the training set D (in file order), the forget set D_f as indices into it,
 * and whether the method may read the retain set D_r = D \ D_f (UNLEARNING.md, Interface).
 *
 * @param data         the training set the original model was trained on
 * @param forget       D_f
 * @param retainAccess whether D_r may be read; methods that need it refuse otherwise
 */
public record UnlearningRequest(Dataset data, ForgetSet forget, boolean retainAccess) {
    /** Checks that the forget set was made for a set of this size. */
    public UnlearningRequest {
        if (forget.datasetSize() != data.size()) {
            throw new BadRequestException("the forget set indexes " + forget.datasetSize() + " samples but "
                    + data.source() + " has " + data.size());
        }
    }

    /** A request with access to D_r. */
    public static UnlearningRequest of(Dataset data, ForgetSet forget) {
        return new UnlearningRequest(data, forget, true);
    }

    /** D_f, in increasing index order. */
    public Dataset forgetData() {
        return data.subset(forget.indices(), "forget set " + forget.description());
    }

    /** D_r, in increasing index order; a {@link BadRequestException} without retain access. */
    public Dataset retainData() {
        if (!retainAccess) {
            throw new BadRequestException("this method needs the retain data, and the request grants no access to it");
        }
        return data.subset(forget.retainIndices(), "retain set (without " + forget.description() + ")");
    }

    /** The classes every training sample of which is in D_f (the whole-class case), ascending. */
    public int[] forgottenClasses() {
        int[] total = data.classCounts();
        int[] forgotten = new int[total.length];
        for (int i : forget.indices()) {
            forgotten[data.label(i)]++;
        }
        return java.util.stream.IntStream.range(0, total.length)
                .filter(c -> total[c] > 0 && forgotten[c] == total[c]).toArray();
    }

    @Override
    public String toString() {
        return "UnlearningRequest(" + forget + " of " + data.source() + ", forgotten classes "
                + Arrays.toString(forgottenClasses()) + ")";
    }
}
