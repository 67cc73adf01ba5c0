package dev.inlierq.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.api.Quantization;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.InvalidModelException;
import dev.inlierq.error.UnsupportedModelException;
import dev.inlierq.error.UserError;
import dev.inlierq.plan.PlanOptions;
import dev.inlierq.runtime.DjlRunner;
import dev.inlierq.testing.OnnxModelBuilder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models the DJL engine cannot or must not run are refused with a typed error naming the node: a feature we
 * do not implement is {@link UnsupportedModelException} (exit 5), a model that contradicts itself is
 * {@link InvalidModelException} (exit 4). Nothing else is remapped, so a bug stays an internal error.
 */
class ModelRefusalTest {
    @TempDir
    Path tmp;

    private static void assertNames(UserError e, ExitCode code, String... parts) {
        assertEquals(code, e.exitCode(), e.getMessage());
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message should name '" + p + "': " + e.getMessage());
        }
    }

    @Test
    void anUnsupportedOpFeatureIsATypedErrorNamingNodeAndOp() {
        Path file = OnnxModelBuilder.opset(13).input("x", 1, 2, 8, 8)
                .node("MaxPool", "x").name("pool_dilated").ints("kernel_shape", 2, 2).ints("dilations", 2, 2).out("y").end()
                .output("y").write(tmp);
        UnsupportedModelException djl = assertThrows(UnsupportedModelException.class, () -> new DjlRunner(file).close());
        assertNames(djl, ExitCode.UNSUPPORTED_OPS, "MaxPool", "pool_dilated", "dilated");
    }

    @Test
    void shapesThatDoNotBroadcastAreAnInvalidModelNotUnsupportedOps() {
        Path file = OnnxModelBuilder.opset(13).input("x", 1, 3, 4, 4)
                .initializer("b", new long[] {5}, 1, 2, 3, 4, 5)
                .node("Add", "x", "b").name("bad_add").out("y").end()
                .output("y").write(tmp);
        InvalidModelException djl = assertThrows(InvalidModelException.class, () -> new DjlRunner(file).close());
        assertNames(djl, ExitCode.INVALID_MODEL, "Add", "bad_add", "broadcast");
        InvalidModelException plan = assertThrows(InvalidModelException.class,
                () -> Quantization.plan(file, PlanOptions.builder().build()));
        assertNames(plan, ExitCode.INVALID_MODEL, "bad_add");
    }
}
