package io.binaryllm.spark;

import org.apache.hadoop.fs.RawLocalFileSystem;

import java.net.URI;
import java.nio.file.Path;

/**
 * The local disk under the scheme {@code otherfs:}, which Hadoop does not know as local: shards at such paths take
 * the way of HDFS or S3A files (streamed, or copied to the executor), not the memory map of local ones.
 */
public class OtherFileSystem extends RawLocalFileSystem {
    public static final String SCHEME = "otherfs";

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    /** {@code file} as Hadoop names it on this file system ({@code otherfs:/tmp/...}). */
    public static String uri(Path file) {
        return SCHEME + ":" + file.toAbsolutePath();
    }
}
