package dev.inlierq.cli;

import dev.inlierq.api.Method;
import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.api.SaliencyOutput;
import dev.inlierq.inlier.InlierMixture;
import dev.inlierq.inlier.InlierQ;
import dev.inlierq.loss.TopKHeatmapLoss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * InlierQ's options of {@code quantize} (the top-K heatmap loss, its split, objective and posterior overlays), mixed
 * into {@link QuantizeCommand}.
 */
@Stage.Of(Stage.INLIERQ)
final class InlierOptions {
    @Option(names = "--topk", defaultValue = "100",
            description = "K of the label-free top-K heatmap loss (BRECQ's Fisher, InlierQ). Default: ${DEFAULT-VALUE}.")
    int topK;

    @Option(names = "--topk-scope", defaultValue = "class", converter = Cli.TopKScopeConverter.class,
            description = "Top-K of the heatmap loss per class (Eq. 7) or over all classes together (joint). Default: ${DEFAULT-VALUE}.")
    TopKHeatmapLoss.Scope topKScope;

    @Option(names = "--box-weight", description = "Weight of a box-regression term in the heatmap loss (sampled "
            + "Fisher of the box values at each image's top-K locations), so that BRECQ's Fisher weights, InlierQ's "
            + "saliency and GPTQ's --hessian inlier see the boxes. 0: off. Default: 1 for inlierq with 4-bit weights "
            + "and wider activations, else 0.")
    Double boxWeight;

    @Option(names = "--tau", defaultValue = "0.5", description = "InlierQ: posterior threshold of the inlier set. Default: ${DEFAULT-VALUE}.")
    double tau;

    @Option(names = "--weighting", defaultValue = "hard", converter = WeightingConverter.class,
            description = "InlierQ: hard (inliers only, anomalies times --lambda-anomaly) or soft (error times the "
                    + "inlier posterior). Default: ${DEFAULT-VALUE}.")
    InlierQ.Weighting weighting;

    @Option(names = "--lambda-anomaly", defaultValue = "0", description = "InlierQ: weight of anomalies (hard weighting). Default: ${DEFAULT-VALUE}.")
    double lambdaAnomaly;

    @Option(names = "--saliency-scale", defaultValue = "log", converter = ScaleConverter.class,
            description = "InlierQ: fit the mixture on log or raw saliency. Default: ${DEFAULT-VALUE}.")
    InlierMixture.Scale saliencyScale;

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

    /** Sets the top-K loss, InlierQ's settings and the overlays asked for; a bad value is a usage error of {@code cl}. */
    void apply(QuantizationConfig.Builder b, Method m, CommandLine cl) {
        b.topK(topK).topKScope(topKScope).boxWeight(boxWeight).inlier(inlier(m, cl));
        if (saliencyDir != null) {
            b.saliency(new SaliencyOutput(saliencyDir, saliencyTensors, saliencyImages));
        }
    }

    /** InlierQ's settings from the command line, for the inlierq method ({@code null} for the others). */
    private InlierQ.Options inlier(Method m, CommandLine cl) {
        if (!m.inlierCentric()) {
            return null;
        }
        try {
            InlierMixture.Options mix = InlierMixture.Options.defaults().withScale(saliencyScale).withTau(tau);
            return new InlierQ.Options(topK, mix, weighting, lambdaAnomaly, !noInlierRanges, !fitZeroSaliency);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }

    /** {@code --weighting}: hard or soft. */
    static final class WeightingConverter extends Cli.LowerCaseEnum<InlierQ.Weighting> {
        WeightingConverter() {
            super(InlierQ.Weighting.class, "weighting");
        }
    }

    /** {@code --saliency-scale}: log or raw. */
    static final class ScaleConverter extends Cli.LowerCaseEnum<InlierMixture.Scale> {
        ScaleConverter() {
            super(InlierMixture.Scale.class, "saliency scale");
        }
    }
}
