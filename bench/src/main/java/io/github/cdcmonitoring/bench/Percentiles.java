package io.github.cdcmonitoring.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** Percentiles of exact samples (nearest rank) and of a classic Prometheus histogram (as histogram_quantile). */
final class Percentiles {

    private Percentiles() {
    }

    /** The nearest-rank percentile of {@code sorted}; NaN if empty. */
    static double exact(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static long[] sorted(long[] values) {
        long[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }

    /** The bucket-by-bucket difference of two cumulative histograms (after minus before). */
    static TreeMap<Double, Double> difference(TreeMap<Double, Double> before, TreeMap<Double, Double> after) {
        TreeMap<Double, Double> delta = new TreeMap<>();
        after.forEach((bound, count) -> delta.put(bound, count - before.getOrDefault(bound, 0.0)));
        return delta;
    }

    /**
     * Prometheus's histogram_quantile: linear interpolation inside the bucket holding the rank (lower bound 0 for
     * the first bucket; the highest finite bound if the rank falls into +Inf). NaN if the histogram is empty.
     */
    static double fromHistogram(TreeMap<Double, Double> cumulative, double quantile) {
        if (cumulative.isEmpty()) {
            return Double.NaN;
        }
        double total = cumulative.lastEntry().getValue();
        if (total <= 0) {
            return Double.NaN;
        }
        double rank = quantile * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            if (bucket.getValue() >= rank) {
                if (bucket.getKey().isInfinite()) {
                    return lowerBound;
                }
                double inBucket = bucket.getValue() - lowerCount;
                return inBucket <= 0 ? bucket.getKey()
                        : lowerBound + (bucket.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
            }
            lowerBound = bucket.getKey();
            lowerCount = bucket.getValue();
        }
        return lowerBound;
    }

    /** The bucket bounds (lower, upper] holding {@code value}, to say whether two measurements agree. */
    static double[] bucketOf(TreeMap<Double, Double> cumulative, double value) {
        double lower = 0;
        for (double upper : cumulative.keySet()) {
            if (value <= upper) {
                return new double[] {lower, upper};
            }
            lower = upper;
        }
        return new double[] {lower, Double.POSITIVE_INFINITY};
    }
}
