package io.github.cdcmonitoring.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void nearestRankOfExactSamples() {
        long[] sorted = Percentiles.sorted(new long[] {5, 1, 4, 2, 3, 10, 9, 8, 7, 6});
        assertThat(Percentiles.exact(sorted, 0.5)).isEqualTo(5);
        assertThat(Percentiles.exact(sorted, 0.99)).isEqualTo(10);
        assertThat(Percentiles.exact(sorted, 1.0)).isEqualTo(10);
        assertThat(Percentiles.exact(new long[0], 0.5)).isNaN();
    }

    @Test
    void interpolatesInsideTheBucketAsHistogramQuantileDoes() {
        TreeMap<Double, Double> cumulative = new TreeMap<>();
        cumulative.put(0.01, 0.0);
        cumulative.put(0.05, 100.0);
        cumulative.put(0.1, 200.0);
        cumulative.put(Double.POSITIVE_INFINITY, 200.0);
        // rank 100 is the top of the (0.01, 0.05] bucket; rank 150 half-way through (0.05, 0.1]
        assertThat(Percentiles.fromHistogram(cumulative, 0.5)).isCloseTo(0.05, within(1e-9));
        assertThat(Percentiles.fromHistogram(cumulative, 0.75)).isCloseTo(0.075, within(1e-9));
        assertThat(Percentiles.bucketOf(cumulative, 0.06)).containsExactly(0.05, 0.1);
    }

    @Test
    void windowsAreTheDifferenceOfTwoScrapes() {
        TreeMap<Double, Double> before = new TreeMap<>();
        before.put(0.05, 10.0);
        before.put(Double.POSITIVE_INFINITY, 12.0);
        TreeMap<Double, Double> after = new TreeMap<>();
        after.put(0.05, 15.0);
        after.put(Double.POSITIVE_INFINITY, 20.0);
        assertThat(Percentiles.difference(before, after)).containsEntry(0.05, 5.0)
                .containsEntry(Double.POSITIVE_INFINITY, 8.0);
    }
}
