package dev.inlierq.api;

import dev.inlierq.calib.CalibrationSelection;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.graph.OpType;
import dev.inlierq.inlier.InlierQ;
import dev.inlierq.loss.TopKHeatmapLoss;
import dev.inlierq.plan.Placement;
import dev.inlierq.plan.PlanOptions;
import dev.inlierq.quant.WeightStorage;
import dev.inlierq.quant.WeightGrid;
import dev.inlierq.quant.WeightType;
import dev.inlierq.recon.ReconstructionOptions;
import dev.inlierq.rounding.GptqInputs;
import dev.inlierq.rounding.GptqScales;
import dev.inlierq.rounding.HessianWeighting;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything {@link Quantization#run(QuantizationConfig, Path, Quantization.Listener)} needs, built as DJL builds
 * its {@code Criteria}: the float model, its detector spec and the calibration folder are required
 * ({@link #builder(Path, DetectorSpec, Path)}), every other setting has the default documented on its setter,
 * and what is left to the {@link Method} (placement, equalisation, reconstruction settings, InlierQ's settings,
 * the Fisher loss, GPTQ's Hessian) is resolved from the method's recipe by {@link Builder#build()}, which checks every value.
 * A config is immutable; {@link #toBuilder()} starts from its settings to change some.
 *
 * <pre>{@code
 * QuantizationConfig config = QuantizationConfig.builder(Path.of("yolox_nano.onnx"), DetectorSpecs.resolve("yolox"),
 *                 Path.of("train2017"))
 *         .method(Method.INLIERQ)                    // default: Method.defaultRecipe(weight bits, seed)
 *         .weightBits(4).activationBits(4)           // placement, equalisation, loss: the method's defaults
 *         .reconstruction(ReconstructionOptions.builder(Units.Kind.BLOCK).iterations(200).seed(3).build())
 *         .seed(3)
 *         .build();
 * QuantizationConfig qdrop = config.toBuilder().method(Method.QDROP).reconstruction(null).build();
 * Quantization.Result r = Quantization.run(config, Path.of("yolox_w4a4_inlierq.onnx"), (Quantization.Listener) n -> { });
 * }</pre>
 *
 * <p>The settings are grouped by stage: {@link #calibration()}, {@link #equalization()}, {@link #plan()},
 * {@link #weights()}, {@link #reconstruction()} (with {@link #loss()} and {@link #inlier()}), {@link #verification()}
 * and the optional {@link #saliency()} overlays. {@link Provenance} writes them into the model's metadata.
 */
public final class QuantizationConfig {
    /**
     * The written weights: their type ({@link WeightType#AUTO} is resolved for the host and placement), how
     * weights of 4 bits or fewer are stored (INT8/UINT8 containers or INT4/UINT4 tensors, see
     * {@link WeightStorage}) and each channel's grid, symmetric or affine ({@link WeightGrid}).
     */
    public record WeightOptions(WeightType type, WeightStorage storage, WeightGrid grid) {
        /** Type {@link WeightType#AUTO}, INT8 containers, grid {@link WeightGrid#AUTO}. */
        public static final WeightOptions DEFAULTS = new WeightOptions(WeightType.AUTO, WeightStorage.INT8,
                WeightGrid.AUTO);

        public WeightOptions {
            Objects.requireNonNull(type, "weightType");
            Objects.requireNonNull(storage, "weightStorage");
            Objects.requireNonNull(grid, "weightGrid");
        }
    }

    /**
     * The checks of the written file: calibration images on which the simulation and ONNX Runtime are compared,
     * and images on which per-tensor clipping rate and SQNR are measured.
     */
    public record VerificationOptions(int checkImages, int statsImages) {
        public VerificationOptions {
            checkCounts(1, 1, 1, checkImages, statsImages);
        }
    }

    private final Builder given;
    private final Method method;
    private final CalibrationOptions calibration;
    private final int threads;
    private final EqualizationOptions equalization;
    private final PlanOptions plan;
    private final WeightOptions weights;
    private final ReconstructionOptions reconstruction;
    private final TaskLossOptions loss;
    private final InlierQ.Options inlier;
    private final HessianWeighting hessian;
    private final GptqScales gptqScales;
    private final GptqInputs gptqInputs;
    private final VerificationOptions verification;

    private QuantizationConfig(Builder b) {
        given = b.copy();
        method = b.method != null ? b.method : Method.defaultFor(b.weightBits);
        loss = new TaskLossOptions(b.topK, b.topKScope, b.fisherLoss != null ? b.fisherLoss : method.fisherLoss(),
                b.boxWeight != null ? b.boxWeight : TaskLossOptions.defaultBoxWeight(method, b.weightBits,
                b.activationBits, b.spec));
        checkCounts(b.calibImages, b.batch, b.threads, b.checkImages, b.statsImages);
        equalization = new EqualizationOptions(b.equalize != null ? b.equalize : method.equalizes(), b.alpha,
                b.searchAlpha != null ? b.searchAlpha
                : b.method == null && Method.defaultRecipe(b.weightBits, b.seed).searchAlpha());
        calibration = new CalibrationOptions(b.calibImages, b.selection != null ? b.selection
                : method.calibrationSelection(b.weightBits), b.batch, b.seed, b.percentile);
        threads = b.threads;
        verification = new VerificationOptions(b.checkImages, b.statsImages);
        plan = new PlanOptions(b.weightBits, b.activationBits, b.firstLastAt8Bit, b.placement != null ? b.placement
                : method.placement(), b.excludeNodes, b.excludePatterns, b.excludeOps, b.layerWeightBits);
        weights = b.weights;
        gptqInputs = GptqInputs.resolve(b.gptqInputs, method == Method.GPTQ, b.weightBits);
        reconstruction = gptqInputs == GptqInputs.QUANTIZED ? Method.sequentialGptq(b.seed)
                : gptqInputs == GptqInputs.ASYMMETRIC ? Method.GPTAQ.reconstructionDefaults(b.seed)
                : !method.reconstructs() ? null : b.reconstruction != null ? b.reconstruction
                : Method.reconstructionFor(b.method, b.weightBits, b.activationBits, b.seed);
        inlier = !method.reconstructs() ? null
                : b.inlier != null ? b.inlier : method.inlierCentric() ? InlierQ.Options.defaults() : null;
        hessian = HessianWeighting.resolve(b.hessian, runsGptq(), inlier != null,
                reconstruction != null && reconstruction.start().perUnit(),
                reconstruction != null && reconstruction.start() == ReconstructionOptions.Start.GPTAQ);
        gptqScales = b.gptqScales != null ? b.gptqScales : GptqScales.defaultFor(b.weightBits);
        loss.check(b.spec, loss.fisher() || inlier != null || hessian == HessianWeighting.INLIER);
    }

    private static void checkCounts(int images, int batch, int threads, int checkImages, int statsImages) {
        if (images < 1 || batch < 1 || threads < 1 || checkImages < 0 || statsImages < 0) {
            throw new IllegalArgumentException("counts must be positive");
        }
    }

    /** A builder with the required settings; every other one has the default documented on its setter. */
    public static Builder builder(Path model, DetectorSpec spec, Path calib) {
        return new Builder(model, spec, calib);
    }

    /**
     * A builder holding the settings this config was built from: those set explicitly keep their values, the
     * others are resolved again by {@link Builder#build()} (so a different method brings its own defaults).
     */
    public Builder toBuilder() {
        return given.copy();
    }

    /** The float ONNX model. */
    public Path model() {
        return given.model;
    }

    /** The detector spec (pre-processing, heatmaps of the task loss). */
    public DetectorSpec spec() {
        return given.spec;
    }

    /** The folder of calibration images (labels are never read). */
    public Path calib() {
        return given.calib;
    }

    public Method method() {
        return method;
    }

    public CalibrationOptions calibration() {
        return calibration;
    }

    /** Intra-op threads of the engines. */
    public int threads() {
        return threads;
    }

    public EqualizationOptions equalization() {
        return equalization;
    }

    /** The quantizer plan's settings, with the placement resolved. */
    public PlanOptions plan() {
        return plan;
    }

    public WeightOptions weights() {
        return weights;
    }

    /** The weight type for this host and placement ({@link WeightType#AUTO} resolved). */
    public WeightType resolvedWeightType() {
        return weights.type().resolve(plan.placement());
    }

    /** Reconstruction settings ({@code null} when the method does not reconstruct). */
    public ReconstructionOptions reconstruction() {
        return reconstruction;
    }

    public TaskLossOptions loss() {
        return loss;
    }

    /** InlierQ's settings ({@code null} unless the method reconstructs with the inlier-centric loss). */
    public InlierQ.Options inlier() {
        return inlier;
    }

    /** How GPTQ's layer Hessians weigh the input patches (plain when GPTQ does not run). */
    public HessianWeighting hessian() {
        return hessian;
    }

    /** Whether GPTQ runs: as the method's rounding or as the start of reconstruction. */
    public boolean runsGptq() {
        return method.gptqRounding()
                || reconstruction != null && reconstruction.start().fromGptq();
    }

    /** The per-channel weight scales GPTQ rounds onto (whenever GPTQ runs). */
    public GptqScales gptqScales() {
        return gptqScales;
    }

    /** Where {@link Method#GPTQ} takes its layers' inputs ({@code null} for the other methods). */
    public GptqInputs gptqInputs() {
        return gptqInputs;
    }

    public VerificationOptions verification() {
        return verification;
    }

    /** Where to write InlierQ's posterior overlays ({@code null}: nowhere). */
    public SaliencyOutput saliency() {
        return given.saliency;
    }

    @Override
    public String toString() {
        return "QuantizationConfig[model=" + model() + ", spec=" + spec().name() + ", calib=" + calib() + ", method="
                + method + ", " + calibration + ", threads=" + threads + ", " + equalization + ", " + plan + ", "
                + weights + ", reconstruction=" + reconstruction + ", " + loss + ", inlier=" + inlier + ", hessian="
                + hessian + ", gptqScales=" + gptqScales + ", gptqInputs=" + gptqInputs + ", " + verification
                + ", saliency=" + saliency() + "]";
    }

    /** Builder of {@link QuantizationConfig}; each setter documents its default. */
    public static final class Builder implements Cloneable {
        private final Path model;
        private final DetectorSpec spec;
        private final Path calib;
        private Method method;
        private int calibImages = 64;
        private CalibrationSelection selection;
        private int batch = 8;
        private long seed;
        private double percentile = 99.99;
        private int threads = 2;
        private Boolean equalize;
        private double alpha = 0.5;
        private Boolean searchAlpha;
        private int weightBits = 8;
        private int activationBits = 8;
        private boolean firstLastAt8Bit = true;
        private Placement placement;
        private Set<String> excludeNodes = Set.of();
        private List<Pattern> excludePatterns = List.of();
        private Set<OpType> excludeOps = Set.of();
        private java.util.Map<String, Integer> layerWeightBits = java.util.Map.of();
        private WeightOptions weights = WeightOptions.DEFAULTS;
        private ReconstructionOptions reconstruction;
        private int topK = 100;
        private TopKHeatmapLoss.Scope topKScope = TopKHeatmapLoss.Scope.PER_CLASS;
        private Boolean fisherLoss;
        private Double boxWeight;
        private InlierQ.Options inlier;
        private HessianWeighting hessian;
        private GptqScales gptqScales;
        private GptqInputs gptqInputs;
        private int checkImages = 4;
        private int statsImages = 8;
        private SaliencyOutput saliency;

        private Builder(Path model, DetectorSpec spec, Path calib) {
            this.model = Objects.requireNonNull(model, "model");
            this.spec = Objects.requireNonNull(spec, "spec");
            this.calib = Objects.requireNonNull(calib, "calib");
        }

        /** Default {@link Method#defaultFor(int)} of the weight bits (GPTQ). */
        public Builder method(Method m) {
            method = m;
            return this;
        }

        /** Calibration images, chosen from the folder by the seed; default 64 (all when the folder has fewer). */
        public Builder calibImages(int n) {
            calibImages = n;
            return this;
        }

        /** How the calibration images are chosen; default {@link Method#calibrationSelection} of the method. */
        public Builder calibSelection(CalibrationSelection s) {
            selection = Objects.requireNonNull(s, "selection");
            return this;
        }

        /** Images per engine batch while calibrating and measuring; default 8. */
        public Builder batch(int n) {
            batch = n;
            return this;
        }

        /**
         * Seed of every random choice (calibration images, GPTQ, the method's reconstruction settings); default 0.
         */
        public Builder seed(long s) {
            seed = s;
            return this;
        }

        /** Percentile of {@link Method#PERCENTILE}, in (0, 100]; default 99.99. */
        public Builder percentile(double p) {
            percentile = p;
            return this;
        }

        /** Intra-op threads; default 2. */
        public Builder threads(int n) {
            threads = n;
            return this;
        }

        /** Equalisation on or off; default: the method's ({@link Method#equalizes()}). */
        public Builder equalize(boolean on) {
            equalize = on;
            return this;
        }

        /** Equalisation strength for dense layers, in [0, 1] (0 = off); default 0.5. */
        public Builder alpha(double a) {
            alpha = a;
            return this;
        }

        /** Equalisation strengths searched ({@link EqualizationOptions}); default: {@link Method#defaultRecipe}'s, else off. */
        public Builder searchAlpha(boolean on) {
            searchAlpha = on;
            return this;
        }

        /** Weight bits, 2..8; default 8. */
        public Builder weightBits(int bits) {
            weightBits = bits;
            return this;
        }

        /** Activation bits, 2..8; default 8. */
        public Builder activationBits(int bits) {
            activationBits = bits;
            return this;
        }

        /** Keep the first and last weighted layers at 8 bit; default true. */
        public Builder firstLastAt8Bit(boolean on) {
            firstLastAt8Bit = on;
            return this;
        }

        /** Where activation quantizers go; default: the method's ({@link Method#placement()}). */
        public Builder placement(Placement p) {
            placement = p;
            return this;
        }

        /** Node names kept in float; default none. */
        public Builder excludeNodes(Set<String> names) {
            excludeNodes = Set.copyOf(names);
            return this;
        }

        /** Node-name patterns kept in float; default none. */
        public Builder excludePatterns(List<Pattern> patterns) {
            excludePatterns = List.copyOf(patterns);
            return this;
        }

        /** Op types kept in float; default none. */
        public Builder excludeOps(Set<OpType> ops) {
            excludeOps = Set.copyOf(ops);
            return this;
        }

        /**
         * All plan settings at once, its placement (so the method's default placement is not used) and its per-layer
         * weight bits (mixed precision, {@link PlanOptions#layerWeightBits()}; none by default) included.
         */
        public Builder plan(PlanOptions p) {
            layerWeightBits = p.layerWeightBits();
            return weightBits(p.weightBits()).activationBits(p.activationBits()).firstLastAt8Bit(p.firstLastAt8Bit())
                    .placement(p.placement()).excludeNodes(p.excludeNodes()).excludePatterns(p.excludePatterns())
                    .excludeOps(p.excludeOps());
        }

        /** The written weights' type, storage and grid; default {@link WeightOptions#DEFAULTS}. */
        public Builder weights(WeightOptions w) {
            weights = Objects.requireNonNull(w, "weights");
            return this;
        }

        /** For a method that reconstructs (ignored otherwise); default: {@link Method#reconstructionDefaults(long, int, int)}. */
        public Builder reconstruction(ReconstructionOptions o) {
            reconstruction = o;
            return this;
        }

        /** K of the top-K heatmap loss (Fisher weights); default 100. */
        public Builder topK(int k) {
            topK = k;
            return this;
        }

        /** Top-K per class (Eq. 7) or over all classes; default {@link TopKHeatmapLoss.Scope#PER_CLASS}. */
        public Builder topKScope(TopKHeatmapLoss.Scope s) {
            topKScope = s;
            return this;
        }

        /** Reconstruction loss weighted by the top-K heatmap loss's diagonal Fisher; default {@link Method#fisherLoss()}. */
        public Builder fisherLoss(boolean on) {
            fisherLoss = on;
            return this;
        }

        /** Weight of the task loss's box term ({@link dev.inlierq.loss.BoxTerm}); default {@link Method#boxWeight}. */
        public Builder boxWeight(Double lambda) {
            boxWeight = lambda;
            return this;
        }

        /** InlierQ's settings (reconstruction only); default: {@link InlierQ.Options#defaults()} for INLIERQ, else none. */
        public Builder inlier(InlierQ.Options o) {
            inlier = o;
            return this;
        }

        /** How GPTQ's Hessians weigh positions; default ({@code null}): {@link HessianWeighting#resolve}. */
        public Builder hessian(HessianWeighting h) {
            hessian = h;
            return this;
        }

        /** GPTQ's per-channel weight scales; default ({@code null}): {@link GptqScales#defaultFor} the weight bits. */
        public Builder gptqScales(GptqScales g) {
            gptqScales = g;
            return this;
        }

        /** {@link Method#GPTQ}'s layer inputs; default ({@code null}): {@link GptqInputs#defaultFor} the weight bits. */
        public Builder gptqInputs(GptqInputs g) {
            gptqInputs = g;
            return this;
        }

        /** Calibration images on which simulation and ONNX Runtime are compared; default 4. */
        public Builder checkImages(int n) {
            checkImages = n;
            return this;
        }

        /** Calibration images for per-tensor clipping rate and SQNR; default 8. */
        public Builder statsImages(int n) {
            statsImages = n;
            return this;
        }

        /** InlierQ's posterior overlays; default {@code null} (none). */
        public Builder saliency(SaliencyOutput s) {
            saliency = s;
            return this;
        }

        /** The config, the method's defaults resolved; IllegalArgumentException for a value out of range. */
        public QuantizationConfig build() {
            return new QuantizationConfig(this);
        }

        /** A copy with the same settings (every field is immutable or a value). */
        private Builder copy() {
            try {
                return (Builder) clone();
            } catch (CloneNotSupportedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
