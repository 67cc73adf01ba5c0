package dev.inlierq.inlier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.recon.TaskGradients;
import dev.inlierq.tensor.FloatTensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * InlierQ (Kim et al., "Inlier-Centric Post-Training Quantization for Object Detection Models", ICLR 2026,
 * arXiv 2602.03472; docs/inlierq.md): the pieces that make BRECQ-style reconstruction inlier-centric.
 * <ol>
 *   <li>step 2, volume saliency {@code s(n, v) = sum_c |dL/dx[n, c, v]|} of the label-free top-K heatmap loss
 *       ({@link TaskGradients});
 *   <li>step 3, per tensor, a two-component Gaussian mixture fitted by EM to the pooled scores
 *       ({@link InlierMixture}) and the posterior {@code P(I | s)} of every volume ({@link #split});
 *   <li>step 4 (Eq. 6 and 12), the objective {@code E_{x in I}[dz^T H dz]} with H the diagonal Fisher of the
 *       same loss: the Fisher weight of each element of a unit output times a per-volume multiplier
 *       ({@link #objectiveWeights}): hard, {@code 1} for inliers ({@code P >= tau}) and {@code lambda_A} for
 *       anomalies (default 0); soft, {@code P(I | s)} itself;
 *   <li>inlier-only range initialisation: activation ranges fitted on inlier volumes only
 *       ({@link #inlierValues}, fed to the calibrator).
 * </ol>
 * Volumes with exactly zero saliency are anomalies (see {@link #split(String, float[], long[], Options)}). A
 * tensor whose mixture fell back (no two populations, or an inlier set under 1% or over 99%) counts every other
 * volume as an inlier; with no zero-saliency volumes its objective is BRECQ's.
 */
public final class InlierQ {
    private InlierQ() {
    }

    /** How anomalies enter the objective. */
    public enum Weighting {
        /** indicator of the inlier set (lambda_I = 1, lambda_A for anomalies) */
        HARD,
        /** each volume's error times its posterior P(I | s) */
        SOFT;

        public String cliName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param topK          K of the top-K heatmap loss (default 100)
     * @param mixture       EM options: scale (log or raw), iterations, tolerance, tau, guard rails
     * @param weighting     hard or soft (default hard)
     * @param lambdaAnomaly weight of anomalies in the hard objective (default 0)
     * @param inlierRanges  initialise activation ranges on inlier volumes only (default true)
     * @param zeroSaliencyAnomalies volumes with exactly zero saliency are anomalies and the mixture is fitted to
     *                      the others (default true, our choice; false fits all scores, docs/inlierq.md literally);
     *                      see {@link InlierQ#split(String, float[], long[], Options)}
     */
    public record Options(int topK, InlierMixture.Options mixture, Weighting weighting, double lambdaAnomaly,
            boolean inlierRanges, boolean zeroSaliencyAnomalies) {
        public Options {
            Objects.requireNonNull(mixture, "mixture");
            Objects.requireNonNull(weighting, "weighting");
            if (topK < 1) {
                throw new IllegalArgumentException("top-K must be at least 1, got " + topK);
            }
            if (!(lambdaAnomaly >= 0 && lambdaAnomaly <= 1)) {
                throw new IllegalArgumentException("lambda for anomalies must be in [0, 1], got " + lambdaAnomaly);
            }
        }

        public static Options defaults() {
            return new Options(100, InlierMixture.Options.defaults(), Weighting.HARD, 0, true, true);
        }
    }

    /**
     * The split of one tensor's volumes.
     *
     * @param fit          the mixture, fitted on the volumes with non-zero saliency when zero-saliency volumes
     *                     were set aside ({@code zeroFraction > 0}), else on all volumes
     * @param volumeShape  {@code [N, spatial...]}
     * @param posterior    {@code P(I | s)} per volume, sample-major: 0 for a volume set aside with zero saliency,
     *                     1 for every other volume when the fit fell back
     * @param zeroFraction fraction of volumes set aside as anomalies because their saliency is exactly 0
     */
    public record Split(String tensor, InlierMixture.Fit fit, long[] volumeShape, float[] posterior,
            double zeroFraction) {
        /** Whether volume {@code index} is an inlier. */
        public boolean inlier(int index) {
            return posterior[index] >= fit.options().tau();
        }

        /** Whether every volume is an inlier (nothing set aside and the fit fell back): BRECQ's objective. */
        public boolean allInliers() {
            return zeroFraction == 0 && fit.fellBack();
        }

        /** Fraction of volumes in the inlier set. */
        public double inlierFraction() {
            int n = 0;
            for (int i = 0; i < posterior.length; i++) {
                n += inlier(i) ? 1 : 0;
            }
            return (double) n / posterior.length;
        }

        /** Per-volume multiplier of the objective: the posterior (soft), or 1 / lambda_A (hard). */
        public float[] multipliers(Weighting w, double lambdaAnomaly) {
            float[] m = new float[posterior.length];
            for (int i = 0; i < m.length; i++) {
                m[i] = w == Weighting.SOFT ? posterior[i] : inlier(i) ? 1f : (float) lambdaAnomaly;
            }
            return m;
        }
    }

    /** Fits the mixture of every tensor with saliency scores ({@link #split(String, float[], long[], Options)}). */
    public static Map<String, Split> split(TaskGradients.Result gradients, Options o) {
        Map<String, Split> out = new LinkedHashMap<>();
        for (var e : gradients.saliency().entrySet()) {
            out.put(e.getKey(), split(e.getKey(), e.getValue(), gradients.saliencyShapes().get(e.getKey()), o));
        }
        return out;
    }

    /**
     * The split of one tensor's pooled saliency {@code s}. Volumes with {@code s = 0} exactly have no gradient
     * path to any of the top-K scores (outside the receptive field of every selected location, or in a branch the
     * heatmap does not read, such as box regression): by the method's own measure they are anomalies. In the LOG
     * domain they all map to {@code log(eps)}, a point mass that makes EM's lower component collapse onto it, so
     * the literal fit falls back to all volumes (on YOLOX-Nano 65 of 114 tensors did). Our choice
     * ({@link Options#zeroSaliencyAnomalies()}, default on): such volumes are set aside as anomalies (posterior 0)
     * and the mixture is fitted to the others; if that fit falls back, every other volume is an inlier. Nothing is
     * set aside when all volumes, or all but fewer than {@code minInlierFraction} of them, have zero saliency.
     */
    public static Split split(String tensor, float[] s, long[] volumeShape, Options o) {
        InlierMixture.Options mo = o.mixture();
        int zeros = 0;
        if (o.zeroSaliencyAnomalies()) {
            for (float v : s) {
                zeros += v == 0f ? 1 : 0;
            }
        }
        int rest = s.length - zeros;
        if (zeros == 0 || rest < mo.minInlierFraction() * s.length || rest == 0) {
            InlierMixture.Fit fit = InlierMixture.fit(s, mo);
            return new Split(tensor, fit, volumeShape, fit.posteriors(s), 0);
        }
        float[] positive = new float[rest];
        int at = 0;
        for (float v : s) {
            if (v != 0f) {
                positive[at++] = v;
            }
        }
        InlierMixture.Fit fit = InlierMixture.fit(positive, mo);
        float[] p = new float[s.length];
        for (int i = 0; i < s.length; i++) {
            p[i] = s[i] == 0f ? 0f : (float) fit.posterior(s[i]);
        }
        return new Split(tensor, fit, volumeShape, p, (double) zeros / s.length);
    }

    /**
     * The objective weights of every unit output that has both Fisher weights and a split: {@code w[n, c, v] =
     * fisher[n, c, v] * m[n, v]}; outputs without a split keep their Fisher weights. Takes ownership of the
     * Fisher arrays; the results belong to their managers.
     */
    public static Map<String, NDArray> objectiveWeights(Map<String, NDArray> fisher, Map<String, Split> splits,
            Options o) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (var e : fisher.entrySet()) {
            Split s = splits.get(e.getKey());
            NDArray f = e.getValue();
            if (s == null) {
                out.put(e.getKey(), f);
                continue;
            }
            long[] fs = f.getShape().getShape();
            long[] ms = fs.clone();
            if (ms.length >= 2) {
                ms[1] = 1; // broadcast over channels
            }
            NDManager m = f.getManager();
            try (NDArray mult = DjlRuntime.create(m, s.multipliers(o.weighting(), o.lambdaAnomaly()), new Shape(ms))) {
                out.put(e.getKey(), f.mul(mult));
            }
            f.close();
        }
        return out;
    }

    /**
     * The values of a batch of {@code tensor} at its inlier volumes only (all channels of each), for
     * inlier-only range estimation; {@code firstSample} is the batch's offset in the calibration set. A tensor
     * without a split passes whole.
     */
    public static FloatTensor inlierValues(Map<String, Split> splits, String tensor, FloatTensor batch, int firstSample) {
        Split s = splits.get(tensor);
        if (s == null || s.allInliers()) {
            return batch;
        }
        long[] shape = batch.shape();
        int n = (int) shape[0];
        int channels = shape.length >= 2 ? (int) shape[1] : 1;
        int volumes = 1;
        for (int i = 2; i < shape.length; i++) {
            volumes *= (int) shape[i];
        }
        long splitVolumes = 1;
        for (int i = 1; i < s.volumeShape().length; i++) {
            splitVolumes *= s.volumeShape()[i];
        }
        if (splitVolumes != volumes || firstSample + n > s.volumeShape()[0]) {
            throw new IllegalStateException(tensor + ": a batch of shape " + java.util.Arrays.toString(shape)
                    + " at sample " + firstSample + " does not match the split's volumes "
                    + java.util.Arrays.toString(s.volumeShape()));
        }
        float[] x = batch.data();
        int kept = 0;
        for (int b = 0; b < n; b++) {
            for (int v = 0; v < volumes; v++) {
                kept += s.inlier((firstSample + b) * volumes + v) ? 1 : 0;
            }
        }
        float[] out = new float[kept * channels];
        int at = 0;
        for (int b = 0; b < n; b++) {
            for (int v = 0; v < volumes; v++) {
                if (!s.inlier((firstSample + b) * volumes + v)) {
                    continue;
                }
                for (int c = 0; c < channels; c++) {
                    out[at++] = x[(b * channels + c) * volumes + v];
                }
            }
        }
        return new FloatTensor(new long[] {out.length}, out);
    }
}
