package dev.inlierq.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Field;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The stages of a quantization run in pipeline order: the headings under which {@code --help} lists a command's
 * options ({@link StageHelp}). A class holding options says its stage with {@link Of}; every option declared in it
 * is listed under that heading.
 */
enum Stage {
    INPUT_OUTPUT("Input/output"),
    METHOD("Method and bits"),
    CALIBRATION("Calibration"),
    PLACEMENT("Placement"),
    EQUALISATION("Equalisation"),
    GPTQ("GPTQ"),
    RECONSTRUCTION("Reconstruction"),
    INLIERQ("InlierQ"),
    MIXED_PRECISION("Mixed precision"),
    SENSITIVITY("Sensitivity"),
    VERIFICATION("Verification/report");

    private final String heading;

    Stage(String heading) {
        this.heading = heading;
    }

    /** The heading in the help, without its colon. */
    String heading() {
        return heading;
    }

    /** The stage of the class that declares the option; {@code null} when it has none (as {@code --help}). */
    static Stage of(OptionSpec option) {
        if (option.userObject() instanceof Field f) {
            Of of = f.getDeclaringClass().getAnnotation(Of.class);
            return of == null ? null : of.value();
        }
        return null;
    }

    /** The stage of every option declared in the annotated class. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface Of {
        Stage value();
    }
}
