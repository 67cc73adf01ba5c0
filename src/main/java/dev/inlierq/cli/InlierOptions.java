package dev.inlierq.cli;

import dev.inlierq.api.Method;
import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.inlier.InlierMixture;
import dev.inlierq.inlier.InlierQ;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * InlierQ's options of {@code quantize} (its split, objective and posterior overlays), mixed into
 * {@link QuantizeCommand}.
 */
final class InlierOptions {
    @Option(names = "--tau", defaultValue = "0.5", description = "InlierQ: posterior threshold of the inlier set. Default: ${DEFAULT-VALUE}.")
    double tau;

    @Option(names = "--weighting", defaultValue = "hard",
            description = "InlierQ: hard (inliers only, anomalies times --lambda-anomaly) or soft (error times the "
                    + "inlier posterior). Default: ${DEFAULT-VALUE}.")
    String weighting;

    @Option(names = "--lambda-anomaly", defaultValue = "0", description = "InlierQ: weight of anomalies (hard weighting). Default: ${DEFAULT-VALUE}.")
    double lambdaAnomaly;

    @Option(names = "--saliency-scale", defaultValue = "log",
            description = "InlierQ: fit the mixture on log or raw saliency. Default: ${DEFAULT-VALUE}.")
    String saliencyScale;

    @Option(names = "--saliency-dir", description = "InlierQ: write PNG overlays of the inlier posterior (red inliers, "
            + "blue anomalies) on calibration images to this folder.")
    Path saliencyDir;

    @Option(names = "--saliency-tensors", split = ",",
            description = "InlierQ: tensors to draw (default: the first, middle and last quantized activation that split).")
    List<String> saliencyTensors = new ArrayList<>();

    @Option(names = "--saliency-images", defaultValue = "4", description = "InlierQ: calibration images to draw. Default: ${DEFAULT-VALUE}.")
    int saliencyImages;

    @Option(names = "--fit-zero-saliency", description = "InlierQ: fit the mixture on all volumes, also those with "
            + "exactly zero saliency (by default they are anomalies and the mixture is fitted to the others).")
    boolean fitZeroSaliency;

    @Option(names = "--no-inlier-ranges", description = "InlierQ: initialise activation ranges on all volumes, not inliers only.")
    boolean noInlierRanges;

    /** Sets InlierQ's settings and the overlays asked for; a bad value is a usage error of {@code cl}. */
    void apply(QuantizationConfig.Builder b, Method m, int topK, CommandLine cl) {
        b.inlier(inlier(m, topK, cl));
        if (saliencyDir != null) {
            b.saliency(new QuantizationConfig.SaliencyOutput(saliencyDir, saliencyTensors, saliencyImages));
        }
    }

    /** InlierQ's settings from the command line, for the inlierq method ({@code null} for the others). */
    InlierQ.Options inlier(Method m, int topK, CommandLine cl) {
        if (!m.inlierCentric()) {
            return null;
        }
        InlierQ.Weighting w;
        InlierMixture.Scale sc;
        try {
            w = InlierQ.Weighting.valueOf(weighting.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "unknown weighting '" + weighting
                    + "' (expected hard or soft)");
        }
        try {
            sc = InlierMixture.Scale.valueOf(saliencyScale.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "unknown saliency scale '" + saliencyScale
                    + "' (expected log or raw)");
        }
        try {
            InlierMixture.Options mix = InlierMixture.Options.defaults().withScale(sc).withTau(tau);
            return new InlierQ.Options(topK, mix, w, lambdaAnomaly, !noInlierRanges, !fitZeroSaliency);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }
}
