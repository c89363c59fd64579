package io.github.cdcmonitoring.kubernetes;

import tools.jackson.core.JacksonException;

/** A repository file the manifests are generated from is missing or not what the generator expects. */
public final class SourceFileException extends RuntimeException {

    public SourceFileException(String message) {
        super(message);
    }

    public SourceFileException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A parse error in one line: the YAML parser's messages span several, with an excerpt of the file. */
    static SourceFileException unparsable(String file, String format, JacksonException e) {
        String first = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("").strip();
        String where = e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
        return new SourceFileException(file + " is not valid " + format + where + ": " + first, e);
    }
}
