/**
 * The failures a user can cause and how they surface: {@link dev.inlierq.error.UserError} carries one line meant
 * for the user and a distinct {@link dev.inlierq.error.ExitCode}; {@link dev.inlierq.error.InvalidModelException}
 * (a model contradicting itself or the ONNX specification) and {@link dev.inlierq.error.UnsupportedModelException}
 * (a valid model using something not implemented) are its model-specific kinds. Anything else is an internal
 * error.
 */
package dev.inlierq.error;
