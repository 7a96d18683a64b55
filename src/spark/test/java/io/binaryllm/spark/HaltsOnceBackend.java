package io.binaryllm.spark;

import io.binaryllm.data.Codes;
import io.binaryllm.search.SearchResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The reference backend, except that the first search in the whole cluster kills its JVM: an executor lost in the
 * middle of a job. Which search is first is decided across processes by creating the file that the system property
 * {@value #MARKER} names (its content: the process id that halted). Registered as a service for this module's tests.
 */
public final class HaltsOnceBackend extends ReferenceBacked {
    static final String MARKER = "binaryllm.test.halt-marker";

    public HaltsOnceBackend() {
        super("halts-once");
    }

    @Override
    public <C extends Codes> SearchResult search(C database, C queries, int k) {
        String marker = System.getProperty(MARKER);
        if (marker != null) {
            try {
                Files.writeString(Files.createFile(Path.of(marker)), Long.toString(ProcessHandle.current().pid()));
                Runtime.getRuntime().halt(137); // as the kernel's OOM killer or a lost node would: no shutdown hooks
            } catch (FileAlreadyExistsException e) {
                // another executor has died already
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return super.search(database, queries, k);
    }
}
