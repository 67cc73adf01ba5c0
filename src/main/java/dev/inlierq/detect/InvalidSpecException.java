package dev.inlierq.detect;

/**
 * A detector-spec value that is out of range or inconsistent, raised by the spec records' own
 * constructors. {@link #field()} names the offending field relative to the record that rejected it
 * (e.g. {@code width}, {@code mean[2]}); spec loading prefixes the path inside the file and turns it
 * into a {@link dev.inlierq.error.UserError} with {@link dev.inlierq.error.ExitCode#BAD_SPEC}.
 */
public class InvalidSpecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String field;
    private final String problem;

    public InvalidSpecException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
        this.problem = problem;
    }

    /** The offending field, relative to the record that raised it. */
    public String field() {
        return field;
    }

    /** What is wrong with it, without the field name. */
    public String problem() {
        return problem;
    }

    /** Throws when {@code condition} is false. */
    public static void check(boolean condition, String field, String problem) {
        if (!condition) {
            throw new InvalidSpecException(field, problem);
        }
    }
}
