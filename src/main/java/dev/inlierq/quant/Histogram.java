package dev.inlierq.quant;

import static dev.inlierq.quant.Checks.check;

import java.util.Arrays;

/**
 * A streaming histogram with a fixed number of bins whose result does not depend on how the data is cut
 * into batches: the same values added in one call or in any number of calls give the same bins and counts,
 * bit for bit.
 *
 * <h2>Layout</h2>
 * Bins are cells of a lattice anchored at 0: with width {@code w = 2^e}, lattice cell {@code k} is
 * {@code [k w, (k + 1) w)} and a value {@code x} falls in cell {@code floor(x / w)} (computed exactly: a power
 * of two division). The histogram keeps {@code bins} consecutive cells starting at cell
 * {@code start = floor(lo / w)}, where {@code [lo, hi]} is the extent of the data widened to include 0, and
 * {@code e} is the smallest exponent (at least {@value #MIN_EXPONENT}) for which
 * {@code floor(hi / w) - floor(lo / w) <= bins - 1}. So between {@code bins / 2} and {@code bins} cells cover the
 * data, and a magnitude histogram ({@code |x|}) always starts at 0, as the entropy calibration needs.
 *
 * <h2>Growth</h2>
 * When a batch falls outside the current window, {@code e} grows to the smallest exponent that fits the new
 * extent and the old counts are merged: cell {@code k} at width {@code w} goes to cell
 * {@code floor(k / 2^d)} at width {@code 2^d w}, which is where each of its values would have fallen directly
 * (because {@code floor(floor(x / w) / 2^d) = floor(x / (2^d w))}). Since the final exponent depends only on
 * the overall extent, and every count is an integer moved exactly, the result equals that of a single batch.
 *
 * <p>Memory: one {@code long[bins]} array (16 KB at the default 2048 bins), whatever the number of values.
 * Exact zeros are counted in {@link #zeros()} too (they sit at the lower edge of the cell {@code [0, w)}),
 * because a grid that contains 0 represents them without error. Non-finite values are skipped and counted.
 */
public final class Histogram extends FiniteExtremes {
    /** Default number of bins (as TensorRT's calibrator). */
    public static final int DEFAULT_BINS = 2048;
    /** Exponent of the narrowest bin width, {@code 2^-120}. */
    public static final int MIN_EXPONENT = -120;

    private final long[] counts;
    private final boolean magnitude;
    private int exponent = MIN_EXPONENT;
    private int start;
    private long zeros;

    /**
     * @param bins number of bins, 16..2^24
     * @param magnitude record {@code |x|} instead of {@code x}
     */
    public Histogram(int bins, boolean magnitude) {
        check(bins >= 16 && bins <= 1 << 24, "Histogram.bins", "16..16777216 bins", bins);
        this.counts = new long[bins];
        this.magnitude = magnitude;
    }

    /** A histogram of signed values with {@link #DEFAULT_BINS} bins. */
    public static Histogram signed() {
        return new Histogram(DEFAULT_BINS, false);
    }

    /** A histogram of magnitudes {@code |x|} with {@link #DEFAULT_BINS} bins. */
    public static Histogram ofMagnitudes() {
        return new Histogram(DEFAULT_BINS, true);
    }

    @Override
    public void add(float[] values, int from, int to) {
        Batch b = scan(values, from, to, magnitude);
        long n = b.count();
        if (n == 0) {
            return;
        }
        double nmin = Math.min(min, b.min());
        double nmax = Math.max(max, b.max());
        double lo = Math.min(nmin, 0);
        double hi = Math.max(nmax, 0);
        int e = total == 0 ? MIN_EXPONENT : exponent;
        int lower = Math.getExponent((hi - lo) / counts.length) - 1;
        e = Math.max(e, lower);
        while (!fits(e, lo, hi)) {
            e++;
        }
        int newStart = (int) Math.floor(Math.scalb(lo, -e));
        if (total == 0) {
            exponent = e;
            start = newStart;
        } else if (e != exponent || newStart != start) {
            rebin(e, newStart);
        }
        for (int i = from; i < to; i++) {
            float x = values[i];
            if (!Float.isFinite(x)) {
                continue;
            }
            double v = magnitude ? Math.abs(x) : x;
            counts[(int) ((long) Math.floor(Math.scalb(v, -e)) - start)]++;
            if (v == 0) {
                zeros++;
            }
        }
        min = nmin;
        max = nmax;
        total += n;
    }

    private boolean fits(int e, double lo, double hi) {
        return Math.floor(Math.scalb(hi, -e)) - Math.floor(Math.scalb(lo, -e)) <= counts.length - 1;
    }

    private void rebin(int e, int newStart) {
        long[] old = counts.clone();
        Arrays.fill(counts, 0);
        int d = e - exponent;
        for (int j = 0; j < old.length; j++) {
            if (old[j] != 0) {
                long k = (long) start + j;
                long nk = d >= 62 ? (k < 0 ? -1 : 0) : k >> d;
                counts[(int) (nk - newStart)] += old[j];
            }
        }
        exponent = e;
        start = newStart;
    }

    /** Number of bins. */
    public int bins() {
        return counts.length;
    }

    /** Whether values are recorded as {@code |x|}. */
    public boolean isMagnitude() {
        return magnitude;
    }

    /** Bin width {@code 2^e}; 0 when empty. */
    public double binWidth() {
        return total == 0 ? 0 : Math.scalb(1.0, exponent);
    }

    /** Lower edge of bin {@code j}. */
    public double binLower(int j) {
        return Math.scalb((double) start + j, exponent);
    }

    /** Upper edge of bin {@code j}. */
    public double binUpper(int j) {
        return Math.scalb((double) start + j + 1, exponent);
    }

    /** Lattice index of bin 0 (its lower edge is {@code latticeStart() * binWidth()}). */
    public int latticeStart() {
        return start;
    }

    /** Count of bin {@code j}. */
    public long count(int j) {
        return counts[j];
    }

    /** A copy of the counts. */
    public long[] counts() {
        return counts.clone();
    }

    /** Index of the bin whose lower edge is 0 (it holds the exact zeros). */
    public int zeroBin() {
        return -start;
    }

    /** Number of exact zeros recorded. */
    public long zeros() {
        return zeros;
    }

    /** Index of the highest non-empty bin, -1 when empty. */
    public int lastOccupied() {
        for (int j = counts.length - 1; j >= 0; j--) {
            if (counts[j] != 0) {
                return j;
            }
        }
        return -1;
    }

    /**
     * The part of bin {@code j} that can hold data: {@code [max(lower, min), min(upper, max)]} (the observed
     * extremes are exact, so the end bins are trimmed to them).
     */
    public double[] interval(int j) {
        double a = Math.max(binLower(j), min);
        double b = Math.min(binUpper(j), max);
        return new double[] {Math.min(a, b), b};
    }

    /**
     * The {@code q}-quantile ({@code q} in [0, 1]) of the recorded values: the value below which a fraction
     * {@code q} of them lies, taking values as uniform within each bin's {@link #interval} and exact zeros as a
     * point mass at 0. {@code quantile(0) = min}, {@code quantile(1) = max}; 0 when empty.
     */
    public double quantile(double q) {
        check(q >= 0 && q <= 1, "quantile", "a fraction in [0, 1]", q);
        if (total == 0) {
            return 0;
        }
        double rank = q * total;
        long cum = 0;
        int zb = zeroBin();
        for (int j = 0; j < counts.length; j++) {
            long c = counts[j];
            if (c == 0) {
                continue;
            }
            if (cum + c >= rank) {
                double within = rank - cum;
                long z = j == zb ? zeros : 0;
                if (z > 0 && within <= z) {
                    return 0;
                }
                double[] iv = interval(j);
                double frac = (within - z) / (c - z);
                return iv[0] + Math.max(0, Math.min(1, frac)) * (iv[1] - iv[0]);
            }
            cum += c;
        }
        return max;
    }

    /**
     * The histogram of {@code |x|}, folded exactly on the lattice (cell {@code k < 0} goes to cell
     * {@code -k - 1}); a copy of this one if it already records magnitudes. Its {@link #min()} is 0 when the
     * data straddles 0 (the smallest magnitude is not known exactly then).
     */
    public Histogram magnitudes() {
        Histogram h = new Histogram(counts.length, true);
        h.exponent = exponent;
        h.total = total;
        h.zeros = zeros;
        h.skipped = skipped;
        if (total == 0) {
            return h;
        }
        if (magnitude) {
            System.arraycopy(counts, 0, h.counts, 0, counts.length);
            h.start = start;
            h.min = min;
            h.max = max;
            return h;
        }
        h.start = 0;
        for (int j = 0; j < counts.length; j++) {
            if (counts[j] != 0) {
                long k = (long) start + j;
                h.counts[(int) (k >= 0 ? k : -k - 1)] += counts[j];
            }
        }
        h.max = Math.max(Math.abs(min), Math.abs(max));
        h.min = min <= 0 && max >= 0 ? 0 : Math.min(Math.abs(min), Math.abs(max));
        return h;
    }

    /** A deep copy. */
    public Histogram copy() {
        Histogram h = new Histogram(counts.length, magnitude);
        System.arraycopy(counts, 0, h.counts, 0, counts.length);
        h.exponent = exponent;
        h.start = start;
        h.min = min;
        h.max = max;
        h.total = total;
        h.zeros = zeros;
        h.skipped = skipped;
        return h;
    }

    /** Whether both hold the same bins, counts and extremes. */
    public boolean sameAs(Histogram o) {
        return magnitude == o.magnitude && Arrays.equals(counts, o.counts) && total == o.total
                && (total == 0 || exponent == o.exponent && start == o.start && min == o.min && max == o.max)
                && zeros == o.zeros;
    }

    @Override
    public String toString() {
        return "Histogram[" + (magnitude ? "|x|, " : "") + counts.length + " bins of 2^" + exponent + " from "
                + binLower(0) + ", data [" + min() + ", " + max() + "], n=" + total + "]";
    }
}
