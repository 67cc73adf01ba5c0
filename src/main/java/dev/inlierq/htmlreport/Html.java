package dev.inlierq.htmlreport;

import java.util.Base64;
import java.util.Locale;

/**
 * A small HTML builder: every text and attribute value goes through {@link #escape}, images are inline PNG data
 * URIs, so the document references nothing outside itself.
 */
final class Html {
    private final StringBuilder b = new StringBuilder(1 << 16);

    /** {@code s} with {@code & < > " '} replaced by entities ({@code null}: empty). */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Markup written as is: only constant strings of this package. */
    Html raw(String markup) {
        b.append(markup);
        return this;
    }

    /** Escaped text. */
    Html text(String s) {
        b.append(escape(s));
        return this;
    }

    /** {@code <tag>text</tag>}, the text escaped. */
    Html element(String tag, String text) {
        return raw("<" + tag + ">").text(text).raw("</" + tag + ">");
    }

    /** {@code <tag id="id">}. */
    Html open(String tag, String id) {
        return raw("<" + tag + " id=\"").text(id).raw("\">");
    }

    /** A row of cells, each escaped ({@code th} for the first when {@code header}). */
    Html row(boolean header, String... cells) {
        raw("<tr>");
        for (int i = 0; i < cells.length; i++) {
            String tag = header && i == 0 ? "th" : "td";
            element(tag, cells[i]);
        }
        return raw("</tr>\n");
    }

    /** A table header row. */
    Html head(String... cells) {
        raw("<tr>");
        for (String c : cells) {
            element("th", c);
        }
        return raw("</tr>\n");
    }

    /** A paragraph of escaped text with a class ({@code note}, {@code advice}). */
    Html paragraph(String cssClass, String s) {
        return raw("<p class=\"" + cssClass + "\">").text(s).raw("</p>\n");
    }

    /** An inline PNG image. */
    Html image(byte[] png, String alt) {
        return raw("<img src=\"data:image/png;base64,").raw(Base64.getEncoder().encodeToString(png))
                .raw("\" alt=\"").text(alt).raw("\">");
    }

    @Override
    public String toString() {
        return b.toString();
    }

    /** A number with {@code digits} significant digits; "—" for NaN. */
    static String num(double v, int digits) {
        if (Double.isNaN(v)) {
            return "—";
        }
        return String.format(Locale.ROOT, "%." + digits + "g", v);
    }

    /** A fixed-point number; "—" for NaN. */
    static String fixed(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "—";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** A size in bytes: "3.62 MB (3,794,212 bytes)". */
    static String bytes(long n) {
        String unit = n >= 1 << 20 ? String.format(Locale.ROOT, "%.2f MB", n / 1048576.0)
                : String.format(Locale.ROOT, "%.1f KB", n / 1024.0);
        return unit + String.format(Locale.ROOT, " (%,d bytes)", n);
    }

    /** An SQNR in dB, "exact" when infinite. */
    static String db(double v) {
        return Double.isInfinite(v) && v > 0 ? "exact" : fixed(v, 1);
    }
}
