package dev.inlierq.cli;

import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.rounding.GptqInputs;
import dev.inlierq.rounding.GptqScales;
import dev.inlierq.rounding.HessianWeighting;
import picocli.CommandLine.Option;

/**
 * The GPTQ options of {@code quantize} (issue 12 item 2, InlierQ's objective in GPTQ's Hessians), mixed into
 * {@link QuantizeCommand}.
 */
@Stage.Of(Stage.GPTQ)
final class GptqOptions {
    @Option(names = "--hessian", converter = HessianConverter.class,
            description = "GPTQ (--method gptq or --start gptq|gptaq|sequential): plain (H = sum x x^T over sampled input "
                    + "patches), inlier (each patch weighted by InlierQ's inlier weight of the output volume it "
                    + "produces, H = sum w x x^T; one extra saliency pass with InlierQ's defaults, or InlierQ's own "
                    + "with --method inlierq) or slopes (the per-unit Hessians of --method gptaq, --start gptaq|sequential and --method gptq at 4 bits: "
                    + "weighted by the mean squared slope of the activation after the layer, on the float network). "
                    + "Default: plain; slopes for --method gptaq, --start gptaq and --gptq-inputs asymmetric; "
                    + "inlier for --method inlierq --start gptq.")
    HessianWeighting hessian;

    @Option(names = "--gptq-scales", converter = ScalesConverter.class,
            description = "GPTQ (--method gptq or --start gptq): the per-channel weight scales it rounds onto: mse "
                    + "(least squared error of the weights) or searched (each channel's clipping searched for the "
                    + "least output error GPTQ leaves under its Hessian). Default: searched for weights of 4 bits or fewer, else mse.")
    GptqScales scales;

    @Option(names = "--gptq-inputs", converter = InputsConverter.class,
            description = "--method gptq: the inputs of each layer's Hessian: float (the float network's, all layers "
                    + "in one pass) or quantized (the network's as quantized up to the layer: each layer rounded again "
                    + "in order, --start sequential --iters 0) or asymmetric (as quantized, each layer rounded "
                    + "towards the float network's outputs: --method gptaq's rounding). Default: asymmetric for "
                    + "weights of 4 bits or fewer, else float.")
    GptqInputs inputs;

    /** Sets the settings given on the command line. */
    void apply(QuantizationConfig.Builder b) {
        if (hessian != null) {
            b.hessian(hessian);
        }
        if (scales != null) {
            b.gptqScales(scales);
        }
        if (inputs != null) {
            b.gptqInputs(inputs);
        }
    }

    /** {@code --gptq-scales}: mse or searched. */
    static final class ScalesConverter extends Cli.LowerCaseEnum<GptqScales> {
        ScalesConverter() {
            super(GptqScales.class, "GPTQ scales");
        }
    }

    /** {@code --gptq-inputs}: float, quantized or asymmetric. */
    static final class InputsConverter extends Cli.LowerCaseEnum<GptqInputs> {
        InputsConverter() {
            super(GptqInputs.class, "GPTQ inputs");
        }
    }

    /** {@code --hessian}: plain, inlier or slopes. */
    static final class HessianConverter extends Cli.LowerCaseEnum<HessianWeighting> {
        HessianConverter() {
            super(HessianWeighting.class, "Hessian");
        }
    }
}
