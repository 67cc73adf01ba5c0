package dev.inlierq.sensitivity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Spearman's rank correlation against hand-computed values, scipy's, and the no-ties formula. */
class SpearmanTest {
    @Test
    void monotoneRelationsGiveOneAndMinusOne() {
        double[] x = {1, 2, 3, 4, 5};
        assertEquals(1.0, Spearman.correlation(x, new double[] {5, 6, 7, 8, 100}), 1e-15);
        assertEquals(-1.0, Spearman.correlation(x, new double[] {0.5, 0.4, 0.3, -2, -1e9}), 1e-15);
    }

    @Test
    void tiesGetTheMeanOfTheirRanks() {
        assertArrayEquals(new double[] {2.5, 4, 2.5, 1}, Spearman.ranks(new double[] {10, 20, 10, 5}));
        assertArrayEquals(new double[] {2, 2, 2}, Spearman.ranks(new double[] {7, 7, 7}));
        // scipy.stats.spearmanr([1, 2, 2, 3], [1, 3, 2, 4]).statistic == 0.9486832980505138 (= 4.5 / sqrt(22.5))
        assertEquals(0.9486832980505138, Spearman.correlation(new double[] {1, 2, 2, 3}, new double[] {1, 3, 2, 4}),
                1e-15);
    }

    @Test
    void withoutTiesItIsTheSquaredRankDifferenceFormula() {
        // d = -1, 1, -1, 1, -1, 1: 1 - 6 * 6 / (6 * 35)
        assertEquals(1 - 36.0 / 210, Spearman.correlation(new double[] {1, 2, 3, 4, 5, 6},
                new double[] {2, 1, 4, 3, 6, 5}), 1e-15);
        Random r = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            int n = 2 + r.nextInt(40);
            double[] x = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = r.nextGaussian();
                y[i] = x[i] * r.nextDouble() + r.nextGaussian();
            }
            double[] rx = Spearman.ranks(x);
            double[] ry = Spearman.ranks(y);
            double d2 = 0;
            for (int i = 0; i < n; i++) {
                d2 += (rx[i] - ry[i]) * (rx[i] - ry[i]);
            }
            double want = 1 - 6 * d2 / (n * ((double) n * n - 1));
            assertEquals(want, Spearman.correlation(x, y), 1e-12, "n = " + n);
        }
    }

    @Test
    void invariantToMonotoneTransformsAndSymmetric() {
        double[] x = {3, 1, 4, 1, 5, 9, 2, 6};
        double[] y = {2, 7, 1, 8, 2, 8, 1, 8};
        double[] expX = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            expX[i] = Math.exp(x[i]);
        }
        double rho = Spearman.correlation(x, y);
        assertTrue(rho > -1 && rho < 1);
        assertEquals(rho, Spearman.correlation(expX, y), 1e-15);
        assertEquals(rho, Spearman.correlation(y, x), 1e-15);
    }

    @Test
    void undefinedCasesAreNanAndBadInputIsRefused() {
        assertTrue(Double.isNaN(Spearman.correlation(new double[] {1}, new double[] {2})), "one pair");
        assertTrue(Double.isNaN(Spearman.correlation(new double[] {}, new double[] {})), "no pair");
        assertTrue(Double.isNaN(Spearman.correlation(new double[] {1, 2, 3}, new double[] {4, 4, 4})), "constant");
        assertThrows(IllegalArgumentException.class, () -> Spearman.correlation(new double[] {1, 2},
                new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Spearman.correlation(new double[] {1, Double.NaN},
                new double[] {1, 2}));
    }
}
