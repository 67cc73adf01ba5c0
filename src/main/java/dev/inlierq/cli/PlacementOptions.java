package dev.inlierq.cli;

import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.graph.OpType;
import dev.inlierq.plan.Placement;
import dev.inlierq.plan.PlanOptions;
import dev.inlierq.quant.WeightGrid;
import dev.inlierq.quant.WeightStorage;
import dev.inlierq.quant.WeightType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Where {@code quantize} places quantizers (which activations, which layers stay float) and how weights are
 * stored; mixed into {@link QuantizeCommand}.
 */
@Stage.Of(Stage.PLACEMENT)
final class PlacementOptions {
    @Option(names = "--no-first-last-8bit", description = "Quantize the first and last layers at --w-bits/--a-bits too.")
    boolean noFirstLast;

    @Option(names = "--placement", converter = Cli.PlacementConverter.class,
            description = "all (every activation between quantized layers) or inputs (layer inputs only). Default: "
                    + "all for the classic calibrators, inputs for gptq and the reconstruction methods.")
    Placement placement;

    @Option(names = "--weight-type", defaultValue = "auto", converter = WeightTypeConverter.class,
            description = "int8, int7 (signed, 8-bit layers limited to 7 bits), uint8 or auto. On x86 CPUs without "
                    + "VNNI, where ONNX Runtime's int8 kernels saturate, auto is int7 with --placement all (fast and "
                    + "exact) and uint8 with inputs; elsewhere int8. Default: ${DEFAULT-VALUE}.")
    WeightType weightType;

    @Option(names = "--weight-storage", defaultValue = "int8", converter = WeightStorageConverter.class,
            description = "Storage of weights quantized at 4 bits or fewer: int8 (8-bit containers, which ONNX Runtime "
                    + "fuses into integer kernels), int4 (packed INT4/UINT4 tensors at opset 21: half the weight bytes, "
                    + "but run unfused) or auto (int4 where ONNX Runtime runs it). Default: ${DEFAULT-VALUE}.")
    WeightStorage weightStorage;

    @Option(names = "--weight-grid", defaultValue = "auto", converter = WeightGridConverter.class,
            description = "Each output channel's weight grid: symmetric, asymmetric (a zero point per channel, for "
                    + "layers of 6 bits or fewer) or auto (asymmetric at 4 bits or fewer). Default: ${DEFAULT-VALUE}.")
    WeightGrid weightGrid;

    @Option(names = "--exclude-node", split = ",", description = "Node names to keep in float.")
    List<String> excludeNodes = new ArrayList<>();

    @Option(names = "--exclude-regex", split = ",", description = "Node-name patterns (Java regex) to keep in float.")
    List<String> excludeRegex = new ArrayList<>();

    @Option(names = "--exclude-op", split = ",", converter = OpTypeConverter.class,
            description = "Op types to keep in float (e.g. Gemm).")
    List<OpType> excludeOps = new ArrayList<>();

    /**
     * The plan's settings for these bits; without {@code --placement} the method's placement {@code def}. A bad
     * pattern or combination is a usage error of {@code cl}.
     */
    PlanOptions planOptions(int wBits, int aBits, Placement def, CommandLine cl) {
        List<Pattern> patterns = new ArrayList<>();
        for (String r : excludeRegex) {
            try {
                patterns.add(Pattern.compile(r));
            } catch (PatternSyntaxException e) {
                throw new CommandLine.ParameterException(cl, "bad --exclude-regex '" + r + "': " + e.getDescription());
            }
        }
        Set<OpType> ops = excludeOps.isEmpty() ? EnumSet.noneOf(OpType.class) : EnumSet.copyOf(excludeOps);
        try {
            return PlanOptions.builder().weightBits(wBits).activationBits(aBits).firstLastAt8Bit(!noFirstLast)
                    .placement(placement == null ? def : placement).excludeNodes(Set.copyOf(excludeNodes))
                    .excludePatterns(patterns).excludeOps(ops).build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }

    /** The written weights' settings: {@code --weight-type}, {@code --weight-storage}, {@code --weight-grid}. */
    QuantizationConfig.WeightOptions weightOptions() {
        return new QuantizationConfig.WeightOptions(weightType, weightStorage, weightGrid);
    }

    /** {@code --weight-grid}: symmetric, asymmetric or auto. */
    static final class WeightGridConverter extends Cli.LowerCaseEnum<WeightGrid> {
        WeightGridConverter() {
            super("weight grid", List.of(WeightGrid.values()));
        }
    }

    /** {@code --weight-type}: int8, int7, uint8 or auto. */
    static final class WeightTypeConverter extends Cli.LowerCaseEnum<WeightType> {
        WeightTypeConverter() {
            super("weight type", List.of(WeightType.INT8, WeightType.INT7, WeightType.UINT8, WeightType.AUTO));
        }
    }

    /** {@code --weight-storage}: int8, int4 or auto. */
    static final class WeightStorageConverter extends Cli.LowerCaseEnum<WeightStorage> {
        WeightStorageConverter() {
            super(WeightStorage.class, "weight storage");
        }
    }

    /** {@code --exclude-op}: an ONNX op type as spelled in the graph ({@code Gemm}). */
    static final class OpTypeConverter implements CommandLine.ITypeConverter<OpType> {
        @Override
        public OpType convert(String value) {
            try {
                return OpType.valueOf(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("unknown op type '" + value + "'");
            }
        }
    }
}
