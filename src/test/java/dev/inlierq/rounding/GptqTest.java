package dev.inlierq.rounding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.quant.QuantGrid;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** GPTQ's column-wise rounding against its defining properties, on matrices built here. */
class GptqTest {
    /** H = X^T X for n random correlated inputs of dimension d (columns share a common factor). */
    private static double[] hessian(int n, int d, long seed) {
        Random r = new Random(seed);
        double[] h = new double[d * d];
        double[] x = new double[d];
        for (int s = 0; s < n; s++) {
            double common = r.nextGaussian();
            for (int j = 0; j < d; j++) {
                x[j] = 0.8 * common + 0.6 * r.nextGaussian();
            }
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    h[i * d + j] += x[i] * x[j];
                }
            }
        }
        return h;
    }

    private static float[] weights(int rows, int d, long seed) {
        Random r = new Random(seed);
        float[] w = new float[rows * d];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextGaussian() * 0.3);
        }
        return w;
    }

    private static QuantGrid[] grids(int rows, float scale) {
        QuantGrid[] g = new QuantGrid[rows];
        for (int r = 0; r < rows; r++) {
            g[r] = new QuantGrid(scale * (1 + 0.1f * r), 0, -7, 7); // 4-bit narrow symmetric, per row
        }
        return g;
    }

    @Test
    void roundsOntoEachRowsGridAndLowersTheOutputError() {
        int rows = 6;
        int d = 24;
        float[] w = weights(rows, d, 1);
        double[] h = hessian(500, d, 2);
        QuantGrid[] gr = grids(rows, 0.08f);
        Gptq.Result res = Gptq.quantize(w, rows, d, h, gr, Gptq.DEFAULT_DAMP);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < d; j++) {
                float q = res.weights()[r * d + j];
                assertEquals(q, gr[r].fakeQuantize(q), 0f, "weight " + r + "," + j + " is off its row's grid");
            }
        }
        assertEquals(Gptq.outputError(w, Gptq.nearestWeights(w, rows, d, gr), rows, d, h), res.nearestError(), 1e-9);
        assertEquals(Gptq.outputError(w, res.weights(), rows, d, h), res.error(), 1e-9);
        // correlated inputs: spreading each column's error over the others must pay clearly
        assertTrue(res.error() < 0.7 * res.nearestError(), "GPTQ " + res.error() + " vs nearest " + res.nearestError());
        Gptq.Result again = Gptq.quantize(w, rows, d, h, gr, Gptq.DEFAULT_DAMP);
        assertArrayEquals(res.weights(), again.weights(), "same input, same rounding");
    }

    @Test
    void searchedGridsKeepEachRowOnItsLeastErrorCandidate() {
        int rows = 5;
        int d = 120;
        float[] w = weights(rows, d, 3);
        w[7] = 1.5f; // an outlier (5 sd): the row's range-covering grid wastes most levels on it
        double[] h = hessian(400, d, 4);
        QuantGrid[][] candidates = new QuantGrid[rows][];
        QuantGrid[] covering = new QuantGrid[rows];
        for (int r = 0; r < rows; r++) {
            float max = 0;
            for (int j = 0; j < d; j++) {
                max = Math.max(max, Math.abs(w[r * d + j]));
            }
            covering[r] = new QuantGrid(max / 7, 0, -8, 7);
            candidates[r] = new QuantGrid[] {covering[r], new QuantGrid(max / 8, 0, -8, 7),
                new QuantGrid(max / 10, 0, -8, 7)};
        }
        Gptq.Result searched = Gptq.quantize(w, rows, d, h, candidates, Gptq.DEFAULT_DAMP);
        Gptq.Result fixed = Gptq.quantize(w, rows, d, h, covering, Gptq.DEFAULT_DAMP);
        assertTrue(searched.error() < fixed.error(), searched.error() + " vs " + fixed.error());
        for (int r = 0; r < rows; r++) {
            QuantGrid chosen = searched.grids()[r];
            assertTrue(Arrays.asList(candidates[r]).contains(chosen), "row " + r + " is on one of its candidates");
            double best = Double.POSITIVE_INFINITY;
            double chosenError = 0;
            for (QuantGrid g : candidates[r]) {
                // each candidate alone, the row alone: the chosen one has the least error of GPTQ's rounding
                float[] row = Arrays.copyOfRange(w, r * d, (r + 1) * d);
                Gptq.Result one = Gptq.quantize(row, 1, d, h, new QuantGrid[] {g}, Gptq.DEFAULT_DAMP);
                best = Math.min(best, one.error());
                if (g == chosen) {
                    chosenError = one.error();
                    assertArrayEquals(one.weights(), Arrays.copyOfRange(searched.weights(), r * d, (r + 1) * d));
                }
            }
            assertEquals(best, chosenError, 1e-6 * best, "row " + r);
        }
        assertTrue(searched.grids()[0] != covering[0], "the outlier's row takes a clipping grid");
    }

    @Test
    void candidateGridsShrinkAndWidenTheRowsRange() {
        dev.inlierq.quant.QuantSpec spec = dev.inlierq.quant.QuantSpec.weight(4);
        float[] w = {0.7f, -0.2f, 0.1f, 0.35f, // row 0: positive maximum 0.7
            0f, 0f, 0f, 0f};                   // row 1: all zero
        QuantGrid current = new QuantGrid(0.09f, 0, -8, 7);
        QuantGrid[] c = GptqRounding.candidates(spec, current, w, 0, 4);
        assertEquals(GptqRounding.SEARCH_TO - GptqRounding.SEARCH_FROM + 2, c.length);
        assertTrue(c[0] == current, "the calibrated grid is searched first");
        for (int k = 1; k < c.length; k++) {
            double a = (GptqRounding.SEARCH_FROM + k - 1) / 50.0;
            assertEquals(2 * a * 0.7 / 15, c[k].scale(), 1e-6, "factor " + a); // [-8, 7] spans 15 steps
            assertEquals(0, c[k].zeroPoint());
        }
        // the widest candidate reaches the positive maximum with its top level 7, which 1.0 cannot
        int one = 50 - GptqRounding.SEARCH_FROM + 1;
        assertTrue(7 * c[one].scale() < 0.7f && 7 * c[c.length - 1].scale() >= 0.7f);
        assertArrayEquals(new QuantGrid[] {current}, GptqRounding.candidates(spec, current, w, 1, 4),
                "a zero row has nothing to search");
    }

    @Test
    void asymmetricTargetSolvesTheNormalEquationsAndIsTheWeightWhenInputsAgree() {
        int n = 400;
        int d = 6;
        int rows = 3;
        Random r = new Random(5);
        double[][] xf = new double[n][d];
        double[][] xq = new double[n][d];
        for (int s = 0; s < n; s++) {
            double common = r.nextGaussian();
            for (int j = 0; j < d; j++) {
                xf[s][j] = 0.8 * common + 0.6 * r.nextGaussian();
                xq[s][j] = 0.9 * xf[s][j] + 0.05 * r.nextGaussian() + 0.1; // the quantized network's drift
            }
        }
        double[] h = new double[d * d];
        double[] c = new double[d * d];
        double[] hf = new double[d * d];
        for (int s = 0; s < n; s++) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    h[i * d + j] += xq[s][i] * xq[s][j];
                    c[i * d + j] += xf[s][i] * xq[s][j];
                    hf[i * d + j] += xf[s][i] * xf[s][j];
                }
            }
        }
        float[] w = weights(rows, d, 9);
        float[] target = Gptq.asymmetricTarget(w, rows, d, h, c, 0);
        for (int row = 0; row < rows; row++) {
            for (int j = 0; j < d; j++) {
                // d/dQ sum |W x_f - Q x_q|^2 = 0:  (Q H)_j = (W C)_j
                double qh = 0;
                double wc = 0;
                for (int i = 0; i < d; i++) {
                    qh += target[row * d + i] * h[i * d + j];
                    wc += w[row * d + i] * c[i * d + j];
                }
                assertEquals(wc, qh, 1e-3 * Math.max(1, Math.abs(wc)), "normal equation, row " + row + " col " + j);
            }
        }
        double keep = 0;
        double moved = 0;
        for (int s = 0; s < n; s++) {
            for (int row = 0; row < rows; row++) {
                double yf = 0;
                double yw = 0;
                double yt = 0;
                for (int j = 0; j < d; j++) {
                    yf += w[row * d + j] * xf[s][j];
                    yw += w[row * d + j] * xq[s][j];
                    yt += target[row * d + j] * xq[s][j];
                }
                keep += (yf - yw) * (yf - yw);
                moved += (yf - yt) * (yf - yt);
            }
        }
        assertTrue(moved < keep, "the target reads x_q closer to the float output: " + moved + " vs " + keep);
        // inputs that agree: the damped target is the weight itself (the ridge term pulls towards W)
        float[] same = Gptq.asymmetricTarget(w, rows, d, hf, hf, 0.01);
        assertArrayEquals(w, same, 1e-5f);
    }

    @Test
    void uncorrelatedInputsGiveNearestRounding() {
        // a diagonal Hessian couples no columns: the optimal rounding of each weight is the nearest one
        int rows = 3;
        int d = 10;
        float[] w = weights(rows, d, 5);
        double[] h = new double[d * d];
        for (int i = 0; i < d; i++) {
            h[i * d + i] = 1 + i;
        }
        QuantGrid[] gr = grids(rows, 0.05f);
        assertArrayEquals(Gptq.nearestWeights(w, rows, d, gr), Gptq.quantize(w, rows, d, h, gr, 0).weights());
    }

    @Test
    void aDeadInputKeepsItsWeightsNearestAndCouplesNothing() {
        int rows = 2;
        int d = 8;
        float[] w = weights(rows, d, 9);
        double[] h = hessian(300, d, 10);
        for (int j = 0; j < d; j++) { // input 3 is always zero
            h[3 * d + j] = 0;
            h[j * d + 3] = 0;
        }
        QuantGrid[] gr = grids(rows, 0.06f);
        Gptq.Result res = Gptq.quantize(w, rows, d, h, gr, Gptq.DEFAULT_DAMP);
        for (int r = 0; r < rows; r++) {
            assertEquals(gr[r].fakeQuantize(w[r * d + 3]), res.weights()[r * d + 3], 0f);
        }
        assertTrue(res.error() <= res.nearestError());
    }

    @Test
    void upperFactorOfTheInverse() {
        int d = 7;
        double[] a = hessian(50, d, 3);
        for (int i = 0; i < d; i++) {
            a[i * d + i] += 0.1;
        }
        double[] u = Cholesky.upperOfInverse(a, d);
        // U^T U a = I
        double[] inv = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += u[k * d + i] * u[k * d + j];
                }
                inv[i * d + j] = s;
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += inv[i * d + k] * a[k * d + j];
                }
                assertEquals(i == j ? 1 : 0, s, 1e-9, "(U^T U A)[" + i + "," + j + "]");
            }
            for (int j = 0; j < i; j++) {
                assertEquals(0, u[i * d + j], 0, "U is upper triangular");
            }
        }
        double[] notPd = a.clone();
        notPd[0] = -1;
        assertEquals(null, Cholesky.upperOfInverse(notPd, d));
        assertTrue(Arrays.stream(u).allMatch(Double::isFinite));
    }

    @Test
    void sampledPositionsAreDistinctSortedAndSeeded() {
        int[] a = LayerHessians.sample(1000, 50, new Random(4));
        int[] b = LayerHessians.sample(1000, 50, new Random(4));
        assertArrayEquals(a, b);
        assertEquals(50, Arrays.stream(a).distinct().count());
        for (int i = 1; i < a.length; i++) {
            assertTrue(a[i] > a[i - 1]);
        }
        assertEquals(30, LayerHessians.sample(30, 50, new Random(4)).length);
    }
}
