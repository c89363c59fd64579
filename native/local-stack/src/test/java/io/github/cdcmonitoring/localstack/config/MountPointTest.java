package io.github.cdcmonitoring.localstack.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountPointTest {

    @Test
    void theMountPointOfAFolderIsTheOneFindmntNames(@TempDir Path dir) throws Exception {
        // util-linux's findmnt answers the same question from the same table; /proc is a mount of its own everywhere.
        assertThat(MountPoint.of(dir)).isEqualTo(findmnt(dir));
        assertThat(MountPoint.of(Path.of("/proc/self"))).isEqualTo("/proc");
    }

    @Test
    void escapedCharactersOfMountinfoAreRestored() {
        assertThat(MountPoint.unescape("/mnt/with\\040space\\011tab\\134backslash"))
                .isEqualTo("/mnt/with space\ttab\\backslash");
    }

    private static String findmnt(Path path) throws Exception {
        Process findmnt = new ProcessBuilder("findmnt", "-n", "-o", "TARGET", "-T", path.toString()).start();
        assertThat(findmnt.waitFor(10, TimeUnit.SECONDS)).as("findmnt finished").isTrue();
        return new String(findmnt.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }
}
