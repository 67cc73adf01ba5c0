package dev.inlierq.error;

/**
 * A model that contradicts itself or the ONNX specification: shapes that do not broadcast or reshape, an
 * attribute of the wrong type, a non-finite weight, a non-finite output. Exit code
 * {@link ExitCode#INVALID_MODEL}.
 */
public class InvalidModelException extends UserError {
    private static final long serialVersionUID = 1L;

    public InvalidModelException(String message) {
        super(ExitCode.INVALID_MODEL, message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(ExitCode.INVALID_MODEL, message, cause);
    }
}
