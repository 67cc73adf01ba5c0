package dev.inlierq.error;

import java.util.Objects;

/**
 * A failure caused by the user's input (a missing file, a corrupt model, an annotation file that does
 * not match the images). It carries one line meant for the user and the exit code the CLI returns.
 * Library code throws it; it never needs a stack trace to be understood.
 */
public class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ExitCode exitCode;

    public UserError(ExitCode exitCode, String message) {
        super(Objects.requireNonNull(message));
        this.exitCode = Objects.requireNonNull(exitCode);
    }

    public UserError(ExitCode exitCode, String message, Throwable cause) {
        super(Objects.requireNonNull(message), cause);
        this.exitCode = Objects.requireNonNull(exitCode);
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
