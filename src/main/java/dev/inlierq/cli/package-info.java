/**
 * The {@code inlierq} command line ({@link dev.inlierq.cli.Main}): thin picocli commands ({@code quantize},
 * {@code eval}, {@code bench}) that parse options, call the library in {@code dev.inlierq.api} and print one
 * line per {@link dev.inlierq.error.UserError} with its exit code; Ctrl-C and SIGTERM end a run at once with
 * its temporary outputs deleted ({@code Interrupts}).
 */
package dev.inlierq.cli;
