package io.github.cdcmonitoring.localstack.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mount point of the filesystem a path lives on, from {@code /proc/self/mountinfo} (Linux): what node_exporter's
 * filesystem collector names it by, so that the native stack can point it at the filesystem of PostgreSQL's data.
 */
public final class MountPoint {

    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
    /** mountinfo escapes space, tab, newline and backslash in paths as three octal digits. */
    private static final Pattern OCTAL = Pattern.compile("\\\\([0-7]{3})");

    private MountPoint() {
    }

    /** The longest mount point that contains {@code path} (after resolving links). */
    public static String of(Path path) {
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + path, e);
        }
        String best = null;
        try {
            for (String line : Files.readAllLines(MOUNTINFO)) {
                String[] fields = line.split(" ");
                if (fields.length < 5) {
                    continue;
                }
                String mountPoint = unescape(fields[4]);
                if (real.startsWith(Path.of(mountPoint)) && (best == null || mountPoint.length() > best.length())) {
                    best = mountPoint;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + MOUNTINFO + " to find the filesystem of " + path, e);
        }
        if (best == null) {
            throw new IllegalStateException(MOUNTINFO + " lists no mount point containing " + real);
        }
        return best;
    }

    public static String unescape(String field) {
        Matcher octal = OCTAL.matcher(field);
        StringBuilder out = new StringBuilder();
        while (octal.find()) {
            octal.appendReplacement(out, Matcher.quoteReplacement(
                    String.valueOf((char) Integer.parseInt(octal.group(1), 8))));
        }
        return octal.appendTail(out).toString();
    }
}
