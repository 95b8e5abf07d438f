package dev.lethe.unlearn;

import dev.lethe.data.Dataset;
import java.util.Arrays;

/**
 * What to forget: the training set D (in file order), the forget set D_f as indices into it,
 * and whether the method may read the retain set D_r (UNLEARNING.md, Interface).
 *
 * <p>In a sequence of requests (continual unlearning) the samples of earlier requests are
 * already gone: they are neither forgotten again nor retained. Then D_r = D \ (earlier ∪ D_f),
 * and the data the model now stands for is {@link #remainingData()} = D \ earlier.
 *
 * @param data          the training set the original model was trained on
 * @param forget        D_f
 * @param retainAccess  whether D_r may be read; methods that need it refuse otherwise
 * @param forgottenBefore indices forgotten by earlier requests, increasing (empty for a first request)
 */
public record UnlearningRequest(Dataset data, ForgetSet forget, boolean retainAccess, int[] forgottenBefore) {
    /** Checks that the forget set was made for a set of this size and does not repeat earlier requests. */
    public UnlearningRequest {
        if (forget.datasetSize() != data.size()) {
            throw new BadRequestException("the forget set indexes " + forget.datasetSize() + " samples but "
                    + data.source() + " has " + data.size());
        }
        forgottenBefore = forgottenBefore.clone();
        Arrays.sort(forgottenBefore);
        for (int i : forgottenBefore) {
            if (forget.contains(i)) {
                throw new BadRequestException("sample " + i + " was already forgotten by an earlier request");
            }
        }
    }

    /** A first request (nothing forgotten before). */
    public UnlearningRequest(Dataset data, ForgetSet forget, boolean retainAccess) {
        this(data, forget, retainAccess, new int[0]);
    }

    /** A first request with access to D_r. */
    public static UnlearningRequest of(Dataset data, ForgetSet forget) {
        return new UnlearningRequest(data, forget, true);
    }

    /** The next request of a sequence: forget {@code next} from a model that has already forgotten {@code before}. */
    public static UnlearningRequest following(Dataset data, int[] before, ForgetSet next) {
        return new UnlearningRequest(data, next, true, before);
    }

    /** The indices of D \ earlier requests, increasing: what the model stands for before this request. */
    public int[] remainingIndices() {
        return exclude(data.size(), forgottenBefore, new int[0]);
    }

    /** D \ earlier requests, in index order (all of D for a first request). */
    public Dataset remainingData() {
        return forgottenBefore.length == 0 ? data : data.subset(remainingIndices(), data.source() + " (remaining)");
    }

    /** The indices of D_r, increasing. */
    public int[] retainIndices() {
        return exclude(data.size(), forgottenBefore, forget.indices());
    }

    private static int[] exclude(int n, int[] a, int[] b) {
        boolean[] gone = new boolean[n];
        for (int i : a) {
            gone[i] = true;
        }
        for (int i : b) {
            gone[i] = true;
        }
        return java.util.stream.IntStream.range(0, n).filter(i -> !gone[i]).toArray();
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
        return data.subset(retainIndices(), "retain set (without " + forget.description()
                + (forgottenBefore.length > 0 ? " and earlier requests" : "") + ")");
    }

    /**
     * The classes every training sample of which is gone after this request (in D_f or an earlier
     * request; the whole-class case), ascending.
     */
    public int[] forgottenClasses() {
        int[] total = data.classCounts();
        int[] forgotten = new int[total.length];
        for (int i : forget.indices()) {
            forgotten[data.label(i)]++;
        }
        for (int i : forgottenBefore) {
            forgotten[data.label(i)]++;
        }
        return java.util.stream.IntStream.range(0, total.length)
                .filter(c -> total[c] > 0 && forgotten[c] == total[c]).toArray();
    }

    /** A copy of the earlier requests' indices. */
    @Override
    public int[] forgottenBefore() {
        return forgottenBefore.clone();
    }

    @Override
    public String toString() {
        return "UnlearningRequest(" + forget + " of " + data.source() + ", forgotten classes "
                + Arrays.toString(forgottenClasses()) + ")";
    }
}
