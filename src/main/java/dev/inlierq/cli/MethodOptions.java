package dev.inlierq.cli;

import dev.inlierq.api.Method;
import picocli.CommandLine.Option;

/** The method and bit widths of {@code quantize}, mixed into {@link QuantizeCommand}. */
@Stage.Of(Stage.METHOD)
final class MethodOptions {
    @Option(names = "--method", converter = MethodConverter.class,
            description = "minmax, percentile, entropy, mse (classic calibrators), gptq (second-order weight "
                    + "rounding; at 4-bit weights the rounding of gptaq, see --gptq-inputs), gptaq (GPTQ on the "
                    + "quantized network's inputs towards the float outputs, layer after layer), adaround, "
                    + "brecq, qdrop (reconstruction baselines) or inlierq; at 4-bit weights or activations these "
                    + "four start from GPTQ's rounding and take " + Method.DEFAULT_4BIT_ITERATIONS + " steps per unit "
                    + "on " + Method.DEFAULT_4BIT_WINDOW + "-pixel windows at --lr-round "
                    + Method.DEFAULT_4BIT_LR_ROUNDING + " (else 50 from nearest on whole maps). Default: inlierq "
                    + "--start gptq --holdout 4 above 4-bit weights (at 4-bit activations inlierq's 4-bit "
                    + "budget); at 4 bits or fewer adaround --start gptq --iters " + Method.DEFAULT_4BIT_ITERATIONS
                    + " --window " + Method.DEFAULT_4BIT_WINDOW + " --lr-round " + Method.DEFAULT_4BIT_LR_ROUNDING
                    + " --search-alpha (docs/results.md).")
    Method method;

    @Option(names = "--w-bits", defaultValue = "8", description = "Weight bits (2-8). Default: ${DEFAULT-VALUE}.")
    int wBits;

    @Option(names = "--a-bits", defaultValue = "8", description = "Activation bits (2-8). Default: ${DEFAULT-VALUE}.")
    int aBits;

    /** The method given, else the default for the weight bits ({@link Method#defaultFor}). */
    Method chosen() {
        return method == null ? Method.defaultFor(wBits) : method;
    }

    /** {@code --method}: a {@link Method#cliName()}. */
    static final class MethodConverter extends Cli.LowerCaseEnum<Method> {
        MethodConverter() {
            super(Method.class, "method");
        }
    }
}
