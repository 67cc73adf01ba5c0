package dev.inlierq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.api.EngineKind;
import dev.inlierq.api.Method;
import dev.inlierq.cli.CliErrorsTest.Run;
import dev.inlierq.error.ExitCode;
import dev.inlierq.graph.OpType;
import dev.inlierq.inlier.InlierMixture;
import dev.inlierq.inlier.InlierQ;
import dev.inlierq.loss.TopKHeatmapLoss;
import dev.inlierq.plan.Placement;
import dev.inlierq.quant.WeightStorage;
import dev.inlierq.quant.WeightType;
import dev.inlierq.recon.Decay;
import dev.inlierq.recon.ReconstructionOptions;
import dev.inlierq.recon.Units;
import dev.inlierq.sensitivity.Variant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --help} lists the options of quantize and analyze under one heading per stage, in pipeline order, each
 * option once and under its own stage; the enum-valued options parse to their types in any case and name the
 * choices when the value is unknown.
 */
class StageHelpTest {
    private static final List<String> QUANTIZE_HEADINGS = List.of("Input/output", "Method and bits", "Calibration",
            "Placement", "Equalisation", "GPTQ", "Reconstruction", "InlierQ", "Mixed precision", "Verification/report");

    private static CommandLine command(String name) {
        CommandLine cl = new CommandLine(new Main());
        return cl.getSubcommands().get(name);
    }

    /** The option list of {@code help} by heading ("" before the first), each section's option lines in order. */
    private static Map<String, List<String>> sections(String help) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String heading = null;
        for (String line : help.split("\n")) {
            if (line.matches("[A-Z][A-Za-z/ ]+:")) {
                heading = line.substring(0, line.length() - 1);
                assertFalse(out.containsKey(heading), "heading '" + heading + "' twice");
                out.put(heading, new ArrayList<>());
            } else if (line.matches(" {2}(-\\w, | {4})--\\S.*") && heading != null) {
                out.get(heading).add(line.strip());
            } else if (line.matches(" {2}-\\w, --\\S.*")) {
                out.computeIfAbsent("", k -> new ArrayList<>()).add(line.strip());
            }
        }
        return out;
    }

    /** How often an option starts a line of the option list, as picocli writes it ({@code --[no-]equalize}). */
    private static long occurrences(Map<String, List<String>> sections, OptionSpec o, String heading) {
        String name = o.longestName().substring(2);
        Pattern p = Pattern.compile("(-\\w, )?--" + (o.negatable() ? "(\\[no-])?" : "") + Pattern.quote(name)
                + "([=\\s].*)?");
        long everywhere = sections.values().stream().flatMap(List::stream).filter(l -> p.matcher(l).matches()).count();
        long here = sections.getOrDefault(heading, List.of()).stream().filter(l -> p.matcher(l).matches()).count();
        assertEquals(everywhere, here, o.longestName() + " is listed under " + heading);
        return everywhere;
    }

    private static void assertEveryOptionOnceUnderItsStage(String command, List<String> headings) {
        Run r = CliErrorsTest.run(command, "--help");
        assertEquals(0, r.code(), r.err());
        Map<String, List<String>> sections = sections(r.out());
        List<String> got = new ArrayList<>(sections.keySet());
        got.remove("");
        assertEquals(headings, got, "the headings, in pipeline order");
        List<OptionSpec> options = command(command).getCommandSpec().options();
        for (OptionSpec o : options) {
            Stage stage = Stage.of(o);
            if (o.usageHelp() || o.versionHelp()) {
                assertNull(stage, o.longestName());
                assertEquals(1, occurrences(sections, o, ""), o.longestName());
            } else {
                assertNotNull(stage, o.longestName() + " has a stage");
                assertEquals(1, occurrences(sections, o, stage.heading()), o.longestName() + " listed once");
            }
        }
        int lines = sections.values().stream().mapToInt(List::size).sum();
        assertEquals(options.size(), lines, "no option line but those of the command's options");
    }

    @Test
    void quantizeHelpListsEveryOptionOnceUnderItsStageInPipelineOrder() {
        assertEveryOptionOnceUnderItsStage("quantize", QUANTIZE_HEADINGS);
        assertTrue(command("quantize").getCommandSpec().options().size() > 60, "all of quantize's options");
    }

    @Test
    void analyzeHelpUsesTheSameStages() {
        assertEveryOptionOnceUnderItsStage("analyze", List.of("Input/output", "Method and bits", "Calibration",
                "Placement", "Equalisation", "Sensitivity"));
    }

    @Test
    void everyHelpFormatsItsDescriptions() {
        for (String name : new CommandLine(new Main()).getSubcommands().keySet()) {
            Run r = CliErrorsTest.run(name, "--help");
            assertEquals(0, r.code(), name + ": " + r.err());
            assertEquals("", r.err(), name + " --help writes nothing to stderr (picocli warns of a description "
                    + "it cannot format, such as a lone '%')");
        }
    }

    @Test
    void commandsWithoutStagesKeepOneList() {
        Run r = CliErrorsTest.run("eval", "--help");
        assertEquals(0, r.code());
        assertEquals(List.of(""), new ArrayList<>(sections(r.out()).keySet()), r.out());
        assertTrue(r.out().contains("--engine=<engine>"), r.out());
    }

    @Test
    void enumOptionsParseToTheirTypesInAnyCase() {
        QuantizeCommand q = new QuantizeCommand();
        new CommandLine(q).parseArgs("--model", "m.onnx", "--spec", "yolox", "--method", "BRECQ", "--placement",
                "Inputs", "--weight-type", "uint8", "--weight-storage", "INT4", "--exclude-op", "Gemm,Conv", "--unit",
                "layer", "--start", "GPTQ", "--loss", "mse", "--topk-scope", "joint", "--weighting", "Soft",
                "--saliency-scale", "raw", "--activation-decay", "cosine");
        assertEquals(Method.BRECQ, q.recipe.method);
        assertEquals(Placement.LAYER_INPUTS, q.placement.placement);
        assertEquals(WeightType.UINT8, q.placement.weightType);
        assertEquals(WeightStorage.INT4, q.placement.weightStorage);
        assertEquals(List.of(OpType.Gemm, OpType.Conv), q.placement.excludeOps);
        assertEquals(Units.Kind.LAYER, q.reconstruction.unit);
        assertEquals(ReconstructionOptions.Start.GPTQ, q.reconstruction.start);
        assertEquals(ReconstructionCliOptions.Loss.MSE, q.reconstruction.loss);
        assertEquals(TopKHeatmapLoss.Scope.JOINT, q.inlierOptions.topKScope);
        assertEquals(InlierQ.Weighting.SOFT, q.inlierOptions.weighting);
        assertEquals(InlierMixture.Scale.RAW, q.inlierOptions.saliencyScale);
        assertEquals(Decay.COSINE, q.reconstruction.activationLearning.decay);

        QuantizeCommand d = new QuantizeCommand();
        new CommandLine(d).parseArgs("--model", "m.onnx", "--spec", "yolox");
        assertNull(d.recipe.method, "no method: the default recipe for the bits");
        assertEquals(Method.INLIERQ, d.recipe.chosen());
        assertNull(d.placement.placement, "no placement: the method's");
        assertEquals(WeightType.AUTO, d.placement.weightType);
        assertEquals(WeightStorage.INT8, d.placement.weightStorage);
        assertEquals(TopKHeatmapLoss.Scope.PER_CLASS, d.inlierOptions.topKScope);
        assertEquals(InlierQ.Weighting.HARD, d.inlierOptions.weighting);
        assertEquals(InlierMixture.Scale.LOG, d.inlierOptions.saliencyScale);

        AnalyzeCommand a = new AnalyzeCommand();
        new CommandLine(a).parseArgs("--model", "m.onnx", "--spec", "yolox", "--calib", "c");
        assertEquals(List.of(Variant.WEIGHTS, Variant.ACTIVATIONS), a.scoring.variants);
        assertEquals(List.of(EngineKind.ORT, EngineKind.DJL), benchEngines("--engine", "ort, DJL"));
    }

    private static List<EngineKind> benchEngines(String... args) {
        BenchCommand b = new BenchCommand();
        List<String> all = new ArrayList<>(List.of("--model", "m.onnx"));
        all.addAll(List.of(args));
        new CommandLine(b).parseArgs(all.toArray(String[]::new));
        return b.engines;
    }

    @Test
    void unknownValuesNameTheChoices() {
        CommandLine.TypeConversionException e = assertThrows(CommandLine.TypeConversionException.class,
                () -> new PlacementOptions.WeightTypeConverter().convert("int3"));
        assertEquals("unknown weight type 'int3' (expected int8, int7, uint8 or auto)", e.getMessage());
        e = assertThrows(CommandLine.TypeConversionException.class,
                () -> new ReconstructionCliOptions.StartConverter().convert("best"));
        assertEquals("unknown start 'best' (expected nearest, gptq, gptaq or sequential)", e.getMessage());
        e = assertThrows(CommandLine.TypeConversionException.class,
                () -> new Cli.TopKScopeConverter().convert("per_class"));
        assertEquals("unknown top-K scope 'per_class' (expected class or joint)", e.getMessage());
        Run r = CliErrorsTest.run("quantize", "--model", "m.onnx", "--spec", "yolox", "--exclude-op", "Gem");
        CliErrorsTest.assertOnlyLine(r, ExitCode.USAGE, "--exclude-op", "unknown op type 'Gem'");
        Run placement = CliErrorsTest.run("quantize", "--model", "m.onnx", "--spec", "yolox", "--placement", "every");
        CliErrorsTest.assertOnlyLine(placement, ExitCode.USAGE, "unknown placement 'every' (expected all or inputs)",
                "(see inlierq quantize --help)");
    }
}
