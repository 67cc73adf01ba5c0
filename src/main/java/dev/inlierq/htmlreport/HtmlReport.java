package dev.inlierq.htmlreport;

import dev.inlierq.report.OutputFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Writes the HTML report of a {@link ReportModel} to a file, atomically ({@link OutputFile}). */
public final class HtmlReport {
    private HtmlReport() {
    }

    /** Renders the report and writes it to {@code file}; returns its size in bytes. */
    public static long write(Path file, ReportModel model) {
        byte[] html = HtmlWriter.write(model).getBytes(StandardCharsets.UTF_8);
        OutputFile.write(file, html);
        return html.length;
    }
}
