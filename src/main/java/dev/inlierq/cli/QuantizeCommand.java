package dev.inlierq.cli;

import dev.inlierq.api.Method;
import dev.inlierq.api.OutputGuard;
import dev.inlierq.api.QualityWarning;
import dev.inlierq.api.Quantization;
import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.graph.OpType;
import dev.inlierq.loss.TopKHeatmapLoss;
import dev.inlierq.plan.Placement;
import dev.inlierq.plan.PlanOptions;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.quant.WeightStorage;
import dev.inlierq.quant.WeightType;
import dev.inlierq.recon.ReconstructionOptions;
import dev.inlierq.recon.Units;
import dev.inlierq.report.JsonFiles;
import dev.inlierq.runtime.OrtFusion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code inlierq quantize}: post-training quantization of a float ONNX detector to a QDQ ONNX model. */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = "Quantize a float ONNX detector (label-free calibration) and write a QDQ ONNX model.")
final class QuantizeCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "Float ONNX model.")
    Path model;

    @Option(names = "--spec", required = true, description = "Built-in spec (yolox, picodet, fastestdet) or a spec file.")
    String detectorSpec;

    @Option(names = "--calib", description = "Folder of calibration images (labels are never read).")
    Path calib;

    @Option(names = "--num-calib", defaultValue = "64", description = "Calibration images, chosen by --seed. Default: ${DEFAULT-VALUE}.")
    int numCalib;

    @Option(names = "--method",
            description = "minmax, percentile, entropy, mse (classic calibrators), gptq (second-order weight "
                    + "rounding), adaround, brecq, qdrop (reconstruction baselines) or inlierq. Default: gptq above "
                    + "4-bit weights; at 4 bits or fewer adaround --start gptq --iters 200 --window 32 (docs/results.md).")
    String method;

    @Option(names = "--iters", description = "Reconstruction: optimisation steps per unit. Default: "
            + ReconstructionOptions.DEFAULT_ITERATIONS + ".")
    Integer iters;

    @Option(names = "--recon-batch", description = "Reconstruction: calibration images per step. Default: "
            + ReconstructionOptions.DEFAULT_BATCH + ".")
    Integer reconBatch;

    @CommandLine.Mixin
    WindowOptions windows = new WindowOptions();
    @CommandLine.Mixin
    ActivationLearningOptions activationLearning = new ActivationLearningOptions();
    @CommandLine.Mixin EarlyStopOptions earlyStop = new EarlyStopOptions();

    @Option(names = "--unit", description = "Reconstruction unit: layer or block. Default: layer for adaround, block otherwise.")
    String unit;

    @Option(names = "--block-size", description = "Reconstruction: at most this many layers per block. Default: "
            + ReconstructionOptions.DEFAULT_BLOCK_SIZE + ".")
    Integer blockSize;

    @Option(names = "--drop-prob", description = "QDrop: probability of keeping an activation in float while optimising. "
            + "Default: 0.5 for qdrop, 0 otherwise.")
    Float dropProb;

    @Option(names = "--start", description = "Reconstruction: the rounding the learned rounding starts from: nearest "
            + "(the float weights, AdaRound's start) or gptq (GPTQ's second-order rounding). Default: nearest.",
            converter = StartConverter.class)
    private ReconstructionOptions.Start start;

    /** {@code --start}: a lower-case name of {@link ReconstructionOptions.Start}. */
    static final class StartConverter extends Cli.LowerCaseEnum<ReconstructionOptions.Start> {
        StartConverter() {
            super(ReconstructionOptions.Start.class, "start");
        }
    }

    @CommandLine.Mixin
    GptqOptions gptq = new GptqOptions();

    @Option(names = "--lr-round", description = "Reconstruction: Adam learning rate of AdaRound's rounding variables. Default: " + ReconstructionOptions.DEFAULT_LR_ROUNDING + ".")
    Float lrRound;

    @Option(names = "--lr-scale", description = "Reconstruction: Adam learning rate of the log of activation step sizes (LSQ), a relative rate. Default: " + ReconstructionOptions.DEFAULT_LR_SCALE + ".")
    Float lrScale;

    @Option(names = "--lambda-round", description = "Reconstruction: weight of AdaRound's rounding regulariser. Default: 0.01.")
    Float lambdaRound;

    @Option(names = "--topk", defaultValue = "100",
            description = "K of the label-free top-K heatmap loss (BRECQ's Fisher, InlierQ). Default: ${DEFAULT-VALUE}.")
    int topK;

    @Option(names = "--topk-scope", defaultValue = "class",
            description = "Top-K of the heatmap loss per class (Eq. 7) or over all classes together (joint). Default: ${DEFAULT-VALUE}.")
    String topKScope;

    @Option(names = "--loss", description = "Reconstruction loss: mse or fisher (Fisher-weighted with the top-K "
            + "heatmap loss). Default: fisher for brecq and inlierq, mse otherwise.")
    String loss;

    @CommandLine.Mixin
    InlierOptions inlierOptions = new InlierOptions();

    @CommandLine.Mixin
    ReportOptions report = new ReportOptions();

    @CommandLine.Mixin
    MixedPrecisionOptions mixedPrecision = new MixedPrecisionOptions();

    @Option(names = "--percentile", defaultValue = "99.99", description = "Percentile for --method percentile. Default: ${DEFAULT-VALUE}.")
    double percentile;

    @Option(names = "--w-bits", defaultValue = "8", description = "Weight bits (2-8). Default: ${DEFAULT-VALUE}.")
    int wBits;

    @Option(names = "--a-bits", defaultValue = "8", description = "Activation bits (2-8). Default: ${DEFAULT-VALUE}.")
    int aBits;

    @Option(names = "--no-first-last-8bit", description = "Quantize the first and last layers at --w-bits/--a-bits too.")
    boolean noFirstLast;

    @Option(names = "--placement",
            description = "all (every activation between quantized layers) or inputs (layer inputs only). Default: "
                    + "all for the classic calibrators, inputs for gptq and the reconstruction methods.")
    String placement;

    @Option(names = "--weight-type", defaultValue = "auto",
            description = "int8, int7 (signed, 8-bit layers limited to 7 bits), uint8 or auto. On x86 CPUs without "
                    + "VNNI, where ONNX Runtime's int8 kernels saturate, auto is int7 with --placement all (fast and "
                    + "exact) and uint8 with inputs; elsewhere int8. Default: ${DEFAULT-VALUE}.")
    String weightType;

    @Option(names = "--weight-storage", defaultValue = "int8",
            description = "Storage of weights quantized at 4 bits or fewer: int8 (8-bit containers, which ONNX Runtime "
                    + "fuses into integer kernels), int4 (packed INT4/UINT4 tensors at opset 21: half the weight bytes, "
                    + "but run unfused) or auto (int4 where ONNX Runtime runs it). Default: ${DEFAULT-VALUE}.")
    String weightStorage;

    @Option(names = "--equalize", negatable = true,
            description = "Equalise activation channels into the next layers' weights (SmoothQuant-style); "
                    + "--no-equalize turns it off. Default: on for gptq and the reconstruction methods, off for the "
                    + "classic calibrators.")
    Boolean equalize;

    @Option(names = "--alpha", defaultValue = "0.5",
            description = "Equalisation strength for dense layers (0..1; depthwise layers always 1). Default: ${DEFAULT-VALUE}.")
    double alpha;

    @Option(names = "--exclude-node", split = ",", description = "Node names to keep in float.")
    List<String> excludeNodes = new ArrayList<>();

    @Option(names = "--exclude-regex", split = ",", description = "Node-name patterns (Java regex) to keep in float.")
    List<String> excludeRegex = new ArrayList<>();

    @Option(names = "--exclude-op", split = ",", description = "Op types to keep in float (e.g. Gemm).")
    List<String> excludeOps = new ArrayList<>();

    @Option(names = "--dry-run", description = "Print the quantization plan and stop.")
    boolean dryRun;

    @Option(names = "--out", description = "Output QDQ ONNX file.")
    Path out;

    @Option(names = "--json", description = "Write a JSON summary (per-tensor encodings, clipping, SQNR, timing).")
    Path json;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for every random choice. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--batch", defaultValue = "8", description = "Calibration batch size. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--threads", defaultValue = "2", description = "Intra-op threads. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--check-images", defaultValue = "4",
            description = "Calibration images on which simulation and ONNX Runtime are compared. Default: ${DEFAULT-VALUE}.")
    int checkImages;

    @Option(names = "--stats-images", defaultValue = "8",
            description = "Calibration images for per-tensor clipping rate and SQNR. Default: ${DEFAULT-VALUE}.")
    int statsImages;

    @Override
    public Integer call() {
        Cli.checkBits("--w-bits", wBits);
        Cli.checkBits("--a-bits", aBits);
        Cli.atLeast("--num-calib", numCalib, 1);
        Cli.atLeast("--batch", batch, 1);
        Cli.atLeast("--threads", threads, 1);
        Cli.atLeast("--check-images", checkImages, 0);
        Cli.atLeast("--stats-images", statsImages, 0);
        Cli.atLeast("--topk", topK, 1);
        PlanOptions planOptions = planOptions();
        Cli.modelFile("--model", model);
        if (dryRun) {
            QuantPlan plan = Quantization.plan(model, DetectorSpecs.resolve(detectorSpec), planOptions);
            spec.commandLine().getOut().print(plan.table());
            return 0;
        }
        if (calib == null || out == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--calib and --out are required (unless --dry-run)");
        }
        OutputGuard.checkFile("--out", out, model, calib);
        OutputGuard.checkFile("--json", json, model, calib, out);
        OutputGuard.checkFolder("--saliency-dir", inlierOptions.saliencyDir, model, calib, out);
        report.check(model, calib, out, json);
        Method m = parseMethod();
        WeightStorage storage = parseWeightStorage();
        DetectorSpec ds = DetectorSpecs.resolve(detectorSpec);
        QuantizationConfig base;
        try {
            base = config(m, ds, planOptions, storage);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        QuantizationConfig config = mixedPrecision.apply(base);
        Quantization.Result r;
        try (QuantizeProgress progress = QuantizeProgress.open(numCalib, config.reconstruction() == null ? 0
                : config.reconstruction().iterations(), spec.commandLine().getErr())) {
            r = Quantization.run(config, out, progress);
        }
        var w = spec.commandLine().getOut();
        int calibrated = r.calibration().files().size();
        if (calibrated < numCalib) {
            spec.commandLine().getErr().printf("note: --num-calib %d, but %s holds only %d images: calibrated on all %d%n",
                    numCalib, calib, calibrated, calibrated);
        }
        w.printf("wrote %s: %d layers, %d activation quantizers, W%dA%d %s, %d calibration images, %.1f s, peak RSS %d MB%n",
                out, r.plan().layers().size(), r.plan().activations().size(), wBits, aBits, m.cliName(),
                r.calibration().files().size(), r.seconds(), r.peakRssBytes() >> 20);
        mixedPrecision.print(w);
        r.agreement().simVsOrtSqnrDb().forEach((k, v) -> w.printf(
                "model output '%s': simulation vs ONNX Runtime SQNR %.1f dB (max rel. error %.2e); float vs simulation %.1f dB%n",
                k, v, r.agreement().simVsOrtMaxRelError().get(k), r.agreement().floatVsSimSqnrDb().get(k)));
        OrtFusion fusion = OrtFusion.of(out);
        w.println("ONNX Runtime runs it with " + fusion.summary());
        int floatLayers = fusion.floatLayers().values().stream().mapToInt(Integer::intValue).sum();
        if (config.plan().placement() == Placement.LAYER_INPUTS && floatLayers > r.plan().lastLayers().size()) {
            w.printf("note: with --placement inputs the outputs of layers followed by an activation stay float, so "
                    + "ONNX Runtime runs %d layers in float, dequantizing their weights at every run: expect this "
                    + "file to run slower than the float model; --placement all fuses them (README, \"Latency\")%n",
                    floatLayers);
        }
        QualityWarning.of(r).ifPresent(q -> QuantizeWarning.print(spec.commandLine().getErr(), q, new QuantizeWarning.Run(
                model, detectorSpec, calib, out, m, config.plan().placement())));
        if (json != null) {
            Map<String, Object> s = summary(r, m);
            s.put("ort_integer_kernels", fusion.integerKernels());
            s.put("ort_float_layers", fusion.floatLayers());
            mixedPrecision.addTo(s);
            JsonFiles.write(json, s);
        }
        report.write(r, config, out, mixedPrecision.sensitivity(), w);
        return 0;
    }

    /** The run's settings: the options given, the method's defaults for the others ({@link QuantizationConfig}). */
    private QuantizationConfig config(Method m, DetectorSpec ds, PlanOptions planOptions, WeightStorage storage) {
        QuantizationConfig.Builder b = QuantizationConfig.builder(model, ds, calib).method(m).calibImages(numCalib)
                .percentile(percentile).plan(planOptions).weightType(parseWeightType()).weightStorage(storage)
                .alpha(alpha).seed(seed).batch(batch).threads(threads).checkImages(checkImages)
                .statsImages(statsImages).reconstruction(reconstruction(m)).topK(topK).topKScope(parseTopKScope());
        if (equalize != null) {
            b.equalize(equalize);
        }
        Boolean fisher = parseLoss();
        if (fisher != null) {
            b.fisherLoss(fisher);
        }
        inlierOptions.apply(b, m, topK, spec.commandLine());
        report.apply(b, m, inlierOptions.saliencyDir != null);
        gptq.apply(b);
        return b.build();
    }

    private Map<String, Object> summary(Quantization.Result r, Method m) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("model", model.toString());
        s.put("out", out.toString());
        s.put("method", m.cliName());
        s.put("w_bits", wBits);
        s.put("a_bits", aBits);
        s.put("seed", seed);
        s.putAll(QuantizeSummary.of(r));
        return s;
    }

    private Boolean parseLoss() {
        if (loss == null) {
            return null;
        }
        return switch (loss.toLowerCase(Locale.ROOT)) {
            case "mse" -> false;
            case "fisher" -> true;
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "unknown loss '" + loss
                    + "' (expected mse or fisher)");
        };
    }

    private TopKHeatmapLoss.Scope parseTopKScope() {
        return Cli.topKScope(spec.commandLine(), topKScope);
    }

    /** Reconstruction settings: the method's defaults with the options given on the command line. */
    private ReconstructionOptions reconstruction(Method m) {
        if (!m.reconstructs()) {
            return null;
        }
        ReconstructionOptions d = method == null ? Method.defaultRecipe(wBits, seed).reconstruction()
                : m.reconstructionDefaults(seed);
        Units.Kind kind = d.unit();
        if (unit != null) {
            try {
                kind = Units.Kind.valueOf(unit.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "unknown unit '" + unit
                        + "' (expected layer or block)");
            }
        }
        try {
            ReconstructionOptions.Builder b = kind == d.unit() ? d.toBuilder()
                    : ReconstructionOptions.builder(kind).dropProb(d.dropProb()).seed(seed);
            if (blockSize != null) {
                b.blockSize(blockSize);
            }
            if (iters != null) {
                b.iterations(iters);
            }
            if (reconBatch != null) {
                b.batch(reconBatch);
            }
            if (lrRound != null) {
                b.lrRounding(lrRound);
            }
            if (lrScale != null) {
                b.lrScale(lrScale);
            }
            if (lambdaRound != null) {
                b.lambda(lambdaRound);
            }
            if (dropProb != null) {
                b.dropProb(dropProb);
            }
            if (start != null) {
                b.start(start);
            }
            windows.apply(b);
            activationLearning.apply(b);
            earlyStop.apply(b);
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private WeightType parseWeightType() {
        try {
            return WeightType.valueOf(weightType.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown weight type '" + weightType
                    + "' (expected int8, int7, uint8 or auto)");
        }
    }

    /** A bad value is one line (exit code 2), not picocli's message followed by the whole usage text. */
    private WeightStorage parseWeightStorage() {
        try {
            return WeightStorage.parse(weightStorage);
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCode.USAGE, "--weight-storage: " + e.getMessage());
        }
    }

    private Method parseMethod() {
        for (Method m : Method.values()) {
            boolean chosen = method == null ? m == Method.defaultFor(wBits)
                    : m.cliName().equals(method.toLowerCase(Locale.ROOT));
            if (chosen) {
                return m;
            }
        }
        throw new CommandLine.ParameterException(spec.commandLine(), "unknown method '" + method + "' (expected "
                + java.util.Arrays.stream(Method.values()).map(Method::cliName)
                        .collect(java.util.stream.Collectors.joining(", ")) + ")");
    }

    private PlanOptions planOptions() {
        Placement p = Cli.placement(spec.commandLine(), placement, parseMethod().placement());
        List<Pattern> patterns = new ArrayList<>();
        for (String r : excludeRegex) {
            try {
                patterns.add(Pattern.compile(r));
            } catch (PatternSyntaxException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "bad --exclude-regex '" + r + "': " + e.getDescription());
            }
        }
        Set<OpType> ops = EnumSet.noneOf(OpType.class);
        for (String op : excludeOps) {
            try {
                ops.add(OpType.valueOf(op));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "unknown op type '" + op + "'");
            }
        }
        try {
            return PlanOptions.builder().weightBits(wBits).activationBits(aBits).firstLastAt8Bit(!noFirstLast)
                    .placement(p).excludeNodes(Set.copyOf(excludeNodes)).excludePatterns(patterns).excludeOps(ops).build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
