package dev.inlierq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.inlierq.api.Method;
import dev.inlierq.recon.ReconstructionOptions;
import dev.inlierq.recon.Units;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** How {@code quantize}'s reconstruction options meet the method's defaults at the bits asked. */
class ReconstructionCliOptionsTest {
    private static ReconstructionOptions resolve(Method m, int wBits, int aBits, String... args) {
        ReconstructionCliOptions o = new ReconstructionCliOptions();
        CommandLine cl = new CommandLine(o);
        cl.parseArgs(args);
        return o.options(m, true, wBits, aBits, 3, cl);
    }

    @Test
    void anotherUnitKeepsTheFourBitBudget() {
        ReconstructionOptions r = resolve(Method.QDROP, 8, 4, "--unit", "layer");
        assertEquals(Units.Kind.LAYER, r.unit());
        assertEquals(ReconstructionOptions.Start.GPTQ, r.start());
        assertEquals(Method.DEFAULT_4BIT_ITERATIONS, r.iterations());
        assertEquals(Method.DEFAULT_4BIT_WINDOW, r.window());
        assertEquals(Method.DEFAULT_4BIT_LR_ROUNDING, r.lrRounding());
        assertEquals(0.5f, r.dropProb(), "QDrop's drop probability stays");
        assertEquals(3, r.seed());
        assertEquals(Method.BRECQ.reconstructionDefaults(3).iterations(),
                resolve(Method.BRECQ, 8, 8, "--unit", "layer").iterations(), "at 8 bits the 50-step budget");
    }

    @Test
    void optionsGivenOverrideTheBudget() {
        ReconstructionOptions r = resolve(Method.BRECQ, 4, 8, "--start", "nearest", "--iters", "50", "--window", "0",
                "--lr-round", "0.01");
        assertEquals(Method.BRECQ.reconstructionDefaults(3).toString(), r.toString(), "the 50-step budget asked for");
        // the benchmark rows of stop 36 spelled the budget out; it is what the method now takes by itself
        for (Method m : new Method[] {Method.ADAROUND, Method.BRECQ, Method.QDROP, Method.INLIERQ}) {
            assertEquals(resolve(m, 4, 4).toString(), resolve(m, 4, 4, "--start", "gptq", "--iters", "200", "--window",
                    "32", "--lr-round", "0.3").toString(), m.cliName());
        }
    }

    @Test
    void inlierqTakesLongerBlocksWithWideWeightsAndNarrowActivationsUnlessTold() {
        assertEquals(8, resolve(Method.INLIERQ, 8, 4).blockSize());
        assertEquals(4, resolve(Method.INLIERQ, 8, 4, "--block-size", "4").blockSize(), "the block size given wins");
        assertEquals(4, resolve(Method.INLIERQ, 4, 4).blockSize(), "4-bit weights keep blocks of 4");
        assertEquals(4, resolve(Method.BRECQ, 8, 4).blockSize(), "only inlierq");
        assertEquals(resolve(Method.INLIERQ, 8, 4).toString(), resolve(Method.INLIERQ, 8, 4, "--block-size", "8")
                .toString(), "the rows of stops 42-43 spelled it out");
    }
}
