package dev.inlierq.rounding;

import dev.inlierq.quant.QuantGrid;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * Second-order rounding of one weight matrix onto a fixed grid, column by column: GPTQ (Frantar, Ashkboos,
 * Hoefler and Alistarh, "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers",
 * ICLR 2023), the fast form of Optimal Brain Quantization (Frantar and Alistarh, "Optimal Brain Compression",
 * NeurIPS 2022).
 *
 * <p>The layer computes {@code y = W x} with {@code W} of {@code rows x d} (for a convolution, a row is an
 * output channel and a column one input channel at one kernel tap). Rounding {@code W} to {@code Q} costs, over
 * the calibration inputs, {@code E = sum_x |(W - Q) x|^2 = tr((W - Q) H (W - Q)^T)} with the Hessian
 * {@code H = sum_x x x^T} (the factor 2 dropped). The rows are independent; within a row, quantizing column
 * {@code i} to {@code q_i} and letting the columns not yet quantized absorb the error is optimal when they move by
 * {@code delta = -(w_i - q_i) / [H^-1]_ii * [H^-1]_{i,:}} (OBQ, eq. 2-3), after which {@code i} leaves the
 * problem. GPTQ's observation: quantizing the columns in one fixed order for all rows, the inverse Hessians of
 * the successive sub-problems are the rows of the upper Cholesky factor {@code U} of {@code H^-1}
 * ({@code H^-1 = U^T U}), so the update is {@code w_j -= (w_i - q_i) / U_ii * U_ij} for {@code j > i}
 * (GPTQ, Algorithm 1, without its lazy blocks, which only batch memory traffic).
 *
 * <p>Details as in the paper and its reference code: a dead column ({@code H_ii = 0}, an input that is always
 * zero) is fixed to zero weight influence; the diagonal is damped by {@code damp * mean(diag H)} (1% by default)
 * and the damping grows tenfold, up to four times, while the Cholesky factorisation fails; columns are visited in
 * decreasing {@code H_ii} ("act-order", the largest inputs first, while most columns can still absorb error).
 * Each row keeps its own grid (per-channel scale and zero point, unchanged), so the result is exactly
 * representable in the deployed file.
 */
public final class Gptq {
    /** Relative diagonal damping of the reference implementation. */
    public static final double DEFAULT_DAMP = 0.01;

    private Gptq() {
    }

    /**
     * Rounded weights, the layer's output error before (nearest rounding) and after, and {@code updated}: each
     * weight as it stood when its column was rounded (the float weight plus the error compensation it received
     * from the columns rounded before it), so {@code weights = nearest(updated)} element by element.
     */
    public record Result(float[] weights, float[] updated, double nearestError, double error, double damp,
            QuantGrid[] grids) {
    }

    /**
     * Rounds {@code w} ({@code rows x d}, row-major) given {@code h} ({@code d x d}, row-major, symmetric).
     *
     * @param grids one grid per row
     * @return the dequantized rounded weights (each on its row's grid)
     */
    public static Result quantize(float[] w, int rows, int d, double[] h, QuantGrid[] grids, double damp) {
        QuantGrid[][] one = new QuantGrid[grids.length][];
        for (int r = 0; r < grids.length; r++) {
            one[r] = new QuantGrid[] {grids[r]};
        }
        return quantize(w, rows, d, h, one, damp);
    }

    /**
     * As {@link #quantize(float[], int, int, double[], QuantGrid[], double)}, each row rounded on each of its
     * candidate grids and kept on the one of least output error: the per-channel scale chosen for the error GPTQ
     * leaves, {@code sum_i (u_i - q_i)^2 / [H^-1]_ii} over the row's columns (OBQ's loss of each rounding step,
     * whose sum is the row's share of {@code tr((W - Q) H (W - Q)^T)} with the damped {@code H}), rather than for
     * the weights' own squared error. The rows share {@code H}, so one factorisation serves every candidate.
     *
     * @param candidates per row, one or more grids; ties keep the first
     */
    public static Result quantize(float[] w, int rows, int d, double[] h, QuantGrid[][] candidates, double damp) {
        if (w.length != rows * d || h.length != d * d || candidates.length != rows) {
            throw new IllegalArgumentException("shapes: w " + w.length + " for " + rows + "x" + d + ", h " + h.length
                    + ", grids " + candidates.length);
        }
        QuantGrid[] first = new QuantGrid[rows];
        for (int r = 0; r < rows; r++) {
            first[r] = candidates[r][0];
        }
        Integer[] order = actOrder(h, d);
        Damped f = damped(permuted(h, d, order), d, damp, a -> Cholesky.upperOfInverse(a, d));
        if (f == null) {
            return nearest(w, rows, d, h, first);
        }
        float[] q = new float[w.length];
        float[] updated = new float[w.length];
        QuantGrid[] chosen = new QuantGrid[rows];
        double[] row = new double[d];
        float[] rq = new float[d];
        float[] ru = new float[d];
        for (int r = 0; r < rows; r++) {
            double best = Double.POSITIVE_INFINITY;
            for (QuantGrid grid : candidates[r]) {
                for (int j = 0; j < d; j++) {
                    row[j] = w[r * d + order[j]]; // a dead column has no coupling in H: its error stays put
                }
                double loss = roundRow(row, grid, f.factor(), d, rq, ru);
                if (loss < best) {
                    best = loss;
                    chosen[r] = grid;
                    for (int i = 0; i < d; i++) {
                        q[r * d + order[i]] = rq[i];
                        updated[r * d + order[i]] = ru[i];
                    }
                }
            }
        }
        double before = outputError(w, nearestWeights(w, rows, d, first), rows, d, h);
        return new Result(q, updated, before, outputError(w, q, rows, d, h), f.relative(), chosen);
    }

    /**
     * The target of asymmetric calibration (GPTAQ: Li, Yin, Lee, Xiao and Panda, "GPTAQ: Efficient
     * Finetuning-Free Quantization for Asymmetric Calibration", ICML 2025): the quantized layer reads {@code x_q},
     * the quantized network's input, but should give the float network's output {@code W x_f}. Over the
     * calibration positions {@code sum |W x_f - Q x_q|^2 = tr((W* - Q) H (W* - Q)^T) + const} with
     * {@code H = sum x_q x_q^T} and {@code W* = W C H^-1}, {@code C = sum x_f x_q^T}: GPTQ on {@code W*} with
     * {@code H} solves the asymmetric problem (our least-squares form of GPTAQ's closed-form update). Damped as
     * {@link #quantize} damps {@code H}, towards {@code W} (a ridge term {@code lambda |W* - W|^2}):
     * {@code W* = (W C + lambda W)(H + lambda I)^-1}, which is {@code W} when the two inputs agree; {@code w}
     * itself when {@code H} cannot be factored.
     *
     * @param cross {@code C} ({@code d x d}, row-major)
     */
    public static float[] asymmetricTarget(float[] w, int rows, int d, double[] h, double[] cross, double damp) {
        Damped f = damped(h, d, damp, a -> Cholesky.lower(a, d));
        if (f == null) {
            return w.clone();
        }
        double[] l = f.factor();
        double lambda = f.lambda();
        float[] out = new float[w.length];
        double[] y = new double[d];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < d; i++) {
                y[i] = lambda * w[r * d + i];
            }
            for (int i = 0; i < d; i++) {
                double wi = w[r * d + i];
                for (int j = 0; j < d && wi != 0; j++) {
                    y[j] += wi * cross[i * d + j];
                }
            }
            // H z = y (H symmetric, so z^T = y^T H^-1): L a = y, then L^T z = a
            for (int i = 0; i < d; i++) {
                double t = y[i];
                for (int k = 0; k < i; k++) {
                    t -= l[i * d + k] * y[k];
                }
                y[i] = t / l[i * d + i];
            }
            for (int i = d - 1; i >= 0; i--) {
                double t = y[i];
                for (int k = i + 1; k < d; k++) {
                    t -= l[k * d + i] * y[k];
                }
                y[i] = t / l[i * d + i];
            }
            for (int j = 0; j < d; j++) {
                out[r * d + j] = (float) y[j];
            }
        }
        return out;
    }

    /**
     * A factorisation of the damped Hessian {@code H + lambda I}, with the relative damping that made it exist and
     * {@code lambda} itself.
     */
    private record Damped(double[] factor, double relative, double lambda) {
    }

    /**
     * {@code factorise(H + lambda I)} with {@code lambda = damp * mean(diag H)}, ten times more (up to four times)
     * while {@code factorise} fails (returns null); a dead column's zero diagonal is set to 1 first. {@code null}
     * when {@code H} carries no signal or cannot be factored even with the largest damping.
     */
    private static Damped damped(double[] h, int d, double damp, UnaryOperator<double[]> factorise) {
        double mean = 0;
        for (int i = 0; i < d; i++) {
            mean += h[i * d + i];
        }
        mean /= d;
        if (!(mean > 0)) {
            return null; // no signal at all: nothing to weigh the error with
        }
        double[] hp = h.clone();
        for (int i = 0; i < d; i++) {
            if (hp[i * d + i] == 0) {
                hp[i * d + i] = 1;
            }
        }
        double used = damp;
        for (int attempt = 0; attempt < 5; attempt++, used *= 10) {
            double[] hd = hp.clone();
            for (int i = 0; i < d; i++) {
                hd[i * d + i] += used * mean;
            }
            double[] f = factorise.apply(hd);
            if (f != null) {
                return new Damped(f, used, used * mean);
            }
        }
        return null;
    }

    /**
     * One row in column order, rounded column by column with the error spread over the later columns; writes
     * the rounded values and each value as it stood when rounded, and returns OBQ's summed loss.
     */
    private static double roundRow(double[] row, QuantGrid grid, double[] u, int d, float[] q, float[] updated) {
        double loss = 0;
        for (int i = 0; i < d; i++) {
            float qi = grid.fakeQuantize((float) row[i]);
            q[i] = qi;
            updated[i] = (float) row[i];
            double err = (row[i] - qi) / u[i * d + i];
            loss += err * err;
            for (int j = i + 1; j < d; j++) {
                row[j] -= err * u[i * d + j];
            }
        }
        return loss;
    }

    private static Result nearest(float[] w, int rows, int d, double[] h, QuantGrid[] grids) {
        float[] q = nearestWeights(w, rows, d, grids);
        double e = outputError(w, q, rows, d, h);
        return new Result(q, w.clone(), e, e, Double.NaN, grids);
    }

    static float[] nearestWeights(float[] w, int rows, int d, QuantGrid[] grids) {
        float[] q = new float[w.length];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < d; j++) {
                q[r * d + j] = grids[r].fakeQuantize(w[r * d + j]);
            }
        }
        return q;
    }

    /** {@code tr((W - Q) H (W - Q)^T)}: the summed squared output error over the calibration inputs. */
    static double outputError(float[] w, float[] q, int rows, int d, double[] h) {
        double total = 0;
        double[] e = new double[d];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < d; j++) {
                e[j] = (double) w[r * d + j] - q[r * d + j];
            }
            for (int i = 0; i < d; i++) {
                if (e[i] == 0) {
                    continue;
                }
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += h[i * d + j] * e[j];
                }
                total += e[i] * s;
            }
        }
        return total;
    }

    /** Column order by decreasing diagonal (ties by index, so the order is deterministic). */
    private static Integer[] actOrder(double[] h, int d) {
        Integer[] order = new Integer[d];
        for (int i = 0; i < d; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            int c = Double.compare(h[b * d + b], h[a * d + a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        return order;
    }

    private static double[] permuted(double[] h, int d, Integer[] order) {
        double[] p = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                p[i * d + j] = h[order[i] * d + order[j]];
            }
        }
        return p;
    }
}
