package dev.inlierq.cli;

import dev.inlierq.api.EngineKind;
import picocli.CommandLine;

/** Small parsing helpers shared by the commands. */
final class Cli {
    private Cli() {
    }

    static EngineKind engine(CommandLine cl, String name) {
        for (EngineKind k : EngineKind.values()) {
            if (k.cliName().equals(name.trim().toLowerCase(java.util.Locale.ROOT))) {
                return k;
            }
        }
        throw new CommandLine.ParameterException(cl, "unknown engine '" + name + "' (expected ort or djl)");
    }
}
